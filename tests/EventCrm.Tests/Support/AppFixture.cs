using Microsoft.AspNetCore.TestHost;
using EventCrm.Tests.Support;
using Alba;
using JasperFx.CommandLine;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

[assembly: AssemblyFixture(typeof(EventCrm.Tests.Support.AppFixture))]
// The scenarios drive bash, /proc and Unix file modes: they run on Linux, as the service does.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace EventCrm.Tests.Support;

/// <summary>
/// One real Host (Wolverine, Marten, Kestrel-less HTTP pipeline through Alba) over a real
/// PostgreSQL for the whole assembly. Tests stay independent by using customer and touchpoint ids
/// of their own, so they can run in parallel without resetting each other's data.
/// </summary>
public sealed class AppFixture : IAsyncLifetime
{
    public const string Schema = "eventcrm_tests";
    /// <summary>The bootstrap admin key of the test hosts; requests without a key of their own use it.</summary>
    public const string AdminKey = "test-admin-key-not-a-secret";

    public IAlbaHost Host { get; private set; } = null!;


    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    public async ValueTask InitializeAsync()
    {
        JasperFxEnvironment.AutoStartHost = true;
        Host = await StartHost();
        await Host.ResetAllData();
    }

    /// <summary>Another Host process over the same database, as after a restart or on a second node.</summary>
    public static Task<IAlbaHost> StartHost(string schema = Schema, params (string Key, string Value)[] settings) => StartHost(schema, (CapturedLogs?)null, settings);

    /// <param name="logs">Also receives what the Host logs, for scenarios about its log.</param>
    public static Task<IAlbaHost> StartHost(string schema, CapturedLogs? logs, params (string Key, string Value)[] settings) =>
        StartHost(schema, services => { if (logs is not null) services.AddSingleton<ILoggerProvider>(logs); }, settings);

    /// <param name="services">Adds to or replaces the Host's services (the test's own clock, say).</param>
    public static async Task<IAlbaHost> StartHost(string schema, Action<IServiceCollection> services, params (string Key, string Value)[] settings)
    {
        var host = await AlbaHost.For<Program>(builder =>
        {
            builder.UseSetting("Marten:Schema", schema);
            builder.UseSetting("Auth:AdminKey", AdminKey);
            // Dozens of hosts start and stop in a run: their routine lines buried the one failure in
            // CI's log. Warnings and errors still reach the console; CapturedLogs sees every level.
            builder.UseSetting("Logging:Console:LogLevel:Default", "Warning");
            // Hosts are started before their base is reset and seeded: a valuation at start would value the empty
            // base, and the portfolio routes answer from it for Portfolio:RefreshAfter. A scenario about it sets "on".
            builder.UseSetting("Portfolio:ValueAtStart", "off");
            // Likewise a valuation stored by an earlier scenario or run of the schema would be answered from; a scenario about it sets "on".
            builder.UseSetting("Portfolio:StoredValuation", "off");
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
            if (UnhandledRequestErrors.Wanted) builder.ConfigureServices(all => all.AddSingleton<ILoggerProvider, UnhandledRequestErrors>());
            // After the Host's own registrations, so that a replacement wins.
            builder.ConfigureTestServices(services);
        });
        host.BeforeEach(context =>
        {
            if (!context.Request.Headers.ContainsKey(ApiKeyHeader)) context.Request.Headers[ApiKeyHeader] = AdminKey;
        });
        return host;
    }

    public const string ApiKeyHeader = "X-Api-Key";

    public async ValueTask DisposeAsync()
    {
        if (Host is null) return;
        await Host.StopAsync();
        await Host.DisposeAsync();
    }
}
