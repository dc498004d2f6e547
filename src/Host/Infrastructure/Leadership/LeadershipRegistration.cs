using JasperFx.Events.Daemon;
using Marten;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;

namespace EventCrm.Host.Infrastructure.Leadership;

public static class LeadershipRegistration
{
    public const string DaemonSetting = "Marten:Daemon";

    /// <summary>
    /// The async daemon in HotCold mode (each projection shard runs on one node, another takes it
    /// over when that node goes), coordinated by <see cref="LeadershipCoordinator"/> instead of
    /// Marten's own coordinator. A node with <c>Marten:Daemon=off</c> never competes for a shard:
    /// it serves the API and the commands while the other nodes keep the projections.
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddLeaderElectedDaemon(
        this MartenServiceCollectionExtensions.MartenConfigurationExpression marten)
    {
        marten.Services.ConfigureMarten(opts => opts.Projections.AsyncMode = DaemonMode.HotCold);
        marten.Services.AddSingleton<LeadershipCoordinator>();
        marten.Services.AddSingleton<IProjectionCoordinator>(services => services.GetRequiredService<LeadershipCoordinator>());
        marten.Services.AddSingleton<JasperFx.Events.Daemon.IProjectionCoordinator>(services => services.GetRequiredService<LeadershipCoordinator>());
        marten.Services.AddSingleton<IHostedService>(services => services.GetRequiredService<LeadershipCoordinator>());
        return marten;
    }

    public static bool RunsDaemon(IConfiguration configuration) => configuration[DaemonSetting] switch
    {
        null or "" or "on" => true,
        "off" => false,
        var other => throw new SettingRefusedException($"{DaemonSetting} must be \"on\" or \"off\", not \"{other}\"."),
    };
}
