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
        await BeforeStartAsync();
        Host = await AppFixture.StartHost(Schema, services =>
        {
            if (Logs is not null) services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(Logs);
            ConfigureServices(services);
        }, settings);
        await Host.ResetAllData();
        await SeedAsync();
    }

    /// <summary>
    /// What to make in the database before the Host starts (a trigger on its tables, say): DDL on a table
    /// the running Host has prepared statements for puts its pooled connections out of step.
    /// </summary>
    protected virtual Task BeforeStartAsync() => Task.CompletedTask;

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
