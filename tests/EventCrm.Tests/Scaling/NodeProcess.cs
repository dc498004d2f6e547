using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using EventCrm.Tests.Support;

namespace EventCrm.Tests.Scaling;

/// <summary>
/// One Host run as in production: the built EventCrm.Host.dll in its own process, on a free port,
/// over the test database, with the settings given. Its PostgreSQL sessions carry its name as
/// application_name, so the test can see in pg_stat_activity which node holds which lock.
/// Stopped by its PID only: SIGKILL to simulate a crash, SIGTERM for a graceful stop.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private NodeProcess(string name, Process process, Uri baseAddress)
    {
        (Name, _process, BaseAddress) = (name, process, baseAddress);
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Add(AppFixture.ApiKeyHeader, AppFixture.AdminKey);
    }

    public string Name { get; }
    public Uri BaseAddress { get; }
    public HttpClient Http { get; }
    public bool HasExited => _process.HasExited;
    public int ProcessId => _process.Id;

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>The connection string every node uses: the test database, the node's name, and a prompt check for dead clients.</summary>
    public static string ConnectionStringFor(string name, string? connectionString = null) =>
        $"{connectionString ?? TestDatabase()};Application Name={name};Options=-c client_connection_check_interval=1000";

    public static string TestDatabase() => Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm") is { Length: > 0 } cs
        ? cs
        : throw new InvalidOperationException("Set ConnectionStrings__EventCrm (./eventcrm test does).");

    public static async Task<NodeProcess> Start(string name, string schema, IDictionary<string, string>? settings = null, TimeSpan? within = null)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = HostFolder(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ConnectionStrings__EventCrm"] = ConnectionStringFor(name),
                ["Marten__Schema"] = schema,
                ["Auth__AdminKey"] = AppFixture.AdminKey,
                ["Logging__LogLevel__Default"] = "Warning",
            },
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) start.Environment[key.Replace(":", "__")] = value;
        foreach (var argument in new[] { Path.Combine(HostFolder(), "EventCrm.Host.dll"), "--urls", baseAddress.ToString().TrimEnd('/') })
            start.ArgumentList.Add(argument);

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var node = new NodeProcess(name, process, baseAddress);
        process.OutputDataReceived += (_, line) => node.Write(line.Data);
        process.ErrorDataReceived += (_, line) => node.Write(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await node.WaitUntilHealthy(within ?? TimeSpan.FromSeconds(120));
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
        return node;
    }

    private void Write(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    private async Task WaitUntilHealthy(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}:\n{Log}");
            try
            {
                if ((await Http.GetAsync("/health")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{Name} did not answer /health within {within}:\n{Log}");
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
    public async Task Kill()
    {
        if (_process.HasExited) return;
        _ = kill(_process.Id, SigKill);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM first so the Host shuts down gracefully (it releases its locks), then SIGKILL.
            _ = kill(_process.Id, SigTerm);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _ = kill(_process.Id, SigKill);
                await _process.WaitForExitAsync();
            }
        }
        Http.Dispose();
        _process.Dispose();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    // tests/EventCrm.Tests/bin/<Configuration>/net10.0 -> src/Host/bin/<Configuration>/net10.0
    private static string HostFolder()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var repository = testOutput.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(repository, "src", "Host", "bin", testOutput.Parent!.Name, testOutput.Name);
    }

    private const int SigKill = 9, SigTerm = 15;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
