using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace EventCrm.Tests.Support;

/// <summary>
/// A Host over a schema of its own, emptied at start, for scenarios that need the whole base to
/// be theirs (portfolio figures, replays, the formula in force, tampering with the events table).
/// </summary>
public abstract class SchemaHost(string schema, params (string Key, string Value)[] settings) : IAsyncLifetime
{
    public string Schema { get; } = schema;
    public IAlbaHost Host { get; private set; } = null!;
    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    public async ValueTask InitializeAsync()
    {
        Host = await AppFixture.StartHost(Schema, services =>
        {
            if (Logs is not null) services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(Logs);
            ConfigureServices(services);
        }, settings);
        await Host.ResetAllData();
        await SeedAsync();
    }

    /// <summary>Where the Host's log goes for the scenarios to read, when they read it.</summary>
    protected virtual CapturedLogs? Logs => null;

    /// <summary>Adds to the Host's services, after its own (an exporter the scenarios read, say).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>The base every scenario of the class starts from.</summary>
    protected virtual Task SeedAsync() => Task.CompletedTask;

    /// <summary>What to tidy once the Host is gone (a schema made per test run, say).</summary>
    protected virtual Task AfterStopAsync() => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (Host is null) return;
        await Host.StopAsync();
        await Host.DisposeAsync();
        await AfterStopAsync();
    }
}
