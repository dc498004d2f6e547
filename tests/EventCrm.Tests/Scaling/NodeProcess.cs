using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EventCrm.Tests.Reliability.Support;
using EventCrm.Tests.Support;

namespace EventCrm.Tests.Scaling;

/// <summary>
/// One node of a cluster: a Host process (see <see cref="HostProcess"/>) whose PostgreSQL sessions
/// carry its name as application_name, so the test can see in pg_stat_activity which node holds
/// which lock, with a client that speaks the API as the admin.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly HostProcess _host;

    private NodeProcess(string name, HostProcess host)
    {
        (Name, _host) = (name, host);
        Http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Add(AppFixture.ApiKeyHeader, AppFixture.AdminKey);
    }

    public string Name { get; }
    public HttpClient Http { get; }
    public bool HasExited => _host.HasExited;

    public string Log
    {
        get
        {
            using var reader = new StreamReader(new FileStream(_host.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            return reader.ReadToEnd();
        }
    }

    /// <summary>
    /// The connection string every node uses: the test database and the node's name. No server
    /// setting for dead clients: a killed node's idle leadership session is closed by the operating
    /// system, and that alone must free its locks (docs/scaling.md).
    /// </summary>
    public static string ConnectionStringFor(string name, string? connectionString = null) =>
        $"{connectionString ?? TestDatabase()};Application Name={name}";

    public static string TestDatabase() => Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm") is { Length: > 0 } cs
        ? cs
        : throw new InvalidOperationException("Set ConnectionStrings__EventCrm (./eventcrm test does).");

    public static async Task<NodeProcess> Start(string name, string schema, IDictionary<string, string>? settings = null, TimeSpan? within = null)
    {
        var environment = new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) environment[key.Replace(":", "__")] = value;
        var host = await HostProcess.Start(name, ConnectionStringFor(name), schema, AppFixture.AdminKey, environment, within);
        return new NodeProcess(name, host);
    }

    public async Task<JsonNode> GetJson(string url)
    {
        using var response = await Http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {url} on {Name}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>Posts touchpoints; a 409 from writers racing on a customer is retried, as a client would.</summary>
    public async Task PostTouchpoints(object body)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await Http.PostAsJsonAsync("/api/touchpoints", body);
            if (response.IsSuccessStatusCode) return;
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Conflict || attempt >= 5)
                throw new InvalidOperationException($"POST /api/touchpoints on {Name}: {(int)response.StatusCode} {text}");
            await Task.Delay(200);
        }
    }

    /// <summary>A crash: the process gets no chance to release anything.</summary>
    public Task Kill() => _host.Kill();

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        Http.Dispose();
    }
}
