using Alba;
using EventCrm.Host.Imports;
using EventCrm.Tests.Reliability.Support;
using EventCrm.Tests.Support;
using Marten;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventCrm.Tests.Reliability;

/// <summary>The hostile-input tests share one Host and run one after the other: each counts the rows of the schema before and after.</summary>
[CollectionDefinition(Name)]
public sealed class HostileInputCollection : ICollectionFixture<FuzzHost>
{
    public const string Name = "hostile input";
}

/// <summary>A Host over a schema of its own, so that the fuzzer can count every row of it before and after.</summary>
public sealed class FuzzHost : IAsyncLifetime
{
    /// <summary>Of this run alone (dropped at the end): the counts must not see another test run sharing the database.</summary>
    public static readonly string Schema = $"eventcrm_fuzz_{Guid.NewGuid():N}"[..22];
    /// <summary>How many hostile requests are in flight at once.</summary>
    public const int RequestsAtOnce = 4;
    public IAlbaHost Host { get; private set; } = null!;

    /// <summary>What the Host logs at Error and above: a client's mistake, however hostile, is never one.</summary>
    public CapturedLogs Errors { get; } = new(LogLevel.Error);
    public string ConnectionString => Host.Services.GetRequiredService<IConfiguration>().GetConnectionString("EventCrm")!;

    /// <summary>An HTTP client into the in-process pipeline, with the admin key and a per-request timeout.</summary>
    public HttpClient Client(TimeSpan timeout)
    {
        var client = Host.Server.CreateClient();
        client.Timeout = timeout;
        client.DefaultRequestHeaders.Add(AppFixture.ApiKeyHeader, AppFixture.AdminKey);
        return client;
    }

    /// <summary>Every route of the Host taking POST, PUT, PATCH or DELETE, as (method, route pattern).</summary>
    public IReadOnlyList<(string Method, string Route)> WriteRoutes() =>
        Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Method: m, Route: "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Where(e => e.Method is "POST" or "PUT" or "PATCH" or "DELETE")
            .Distinct().OrderBy(e => e.Route).ThenBy(e => e.Method).ToList();

    public async ValueTask InitializeAsync()
    {
        // As many imports at once as requests: a hostile file is to be judged by what it holds, not
        // turned away because others are being imported (that 503 has its own scenario).
        Host = await AppFixture.StartHost(Schema, Errors, (ImportSlots.MaxConcurrentKey, RequestsAtOnce.ToString()));
        await Host.ResetAllData();
        await Host.Services.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is null) return;
        var connectionString = ConnectionString;
        await Host.StopAsync();
        await Host.DisposeAsync();
        await new StoreChecks(connectionString, Schema).DropSchema();
    }
}
