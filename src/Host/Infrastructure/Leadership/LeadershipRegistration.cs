using JasperFx.Events.Daemon;
using Marten;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;

namespace EventCrm.Host.Infrastructure.Leadership;

public static class LeadershipRegistration
{
    /// <summary>
    /// The async daemon in HotCold mode (each projection shard runs on one node, another takes it
    /// over when that node goes), coordinated by <see cref="LeadershipCoordinator"/> instead of
    /// Marten's own coordinator.
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
}
