using EventCrm.Tests.Reliability.Support;
using EventCrm.Tests.Support;

namespace EventCrm.Tests.Reliability;

/// <summary>The Host as a real Kestrel process over the test database, in a schema of its own.</summary>
public sealed class KestrelHost : IAsyncLifetime
{
    /// <summary>Of this run alone (dropped at the end): the counts must not see another test run sharing the database.</summary>
    public static readonly string Schema = $"eventcrm_kestrel_{Guid.NewGuid():N}"[..24];
    public HostProcess Host { get; private set; } = null!;

    public static string ConnectionString => Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm") is { Length: > 0 } cs
        ? cs
        : throw new InvalidOperationException("Set ConnectionStrings__EventCrm (./eventcrm test does) to run the reliability tests.");

    public HttpClient Client(TimeSpan timeout) => new()
    {
        BaseAddress = Host.BaseAddress, Timeout = timeout, DefaultRequestHeaders = { { AppFixture.ApiKeyHeader, AppFixture.AdminKey } },
    };

    public async ValueTask InitializeAsync() => Host = await HostProcess.Start("kestrel", ConnectionString, Schema, AppFixture.AdminKey);

    public async ValueTask DisposeAsync()
    {
        if (Host is null) return;
        await Host.DisposeAsync();
        await new StoreChecks(ConnectionString, Schema).DropSchema();
    }
}
