using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EventCrm.Bench.Runner;

namespace EventCrm.Bench.Infrastructure;

/// <summary>
/// The Host as a child process on its own schema and a free port, run exactly as ./eventcrm run
/// runs it (from src/Host, Release build): started, waited for on /health, stopped by PID.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly BenchContext _ctx;
    private readonly Process _process;
    private readonly string _label;
    private readonly double _startSeconds;
    private bool _stopped;

    private HostProcess(BenchContext ctx, Process process, string label, Uri baseAddress, string logFile, double startSeconds)
    {
        (_ctx, _process, _label, BaseAddress, LogFile, _startSeconds) = (ctx, process, label, baseAddress, logFile, startSeconds);
    }

    public Uri BaseAddress { get; }
    public string LogFile { get; }
    public int Pid => _process.Id;

    public static Dictionary<string, string> EnvironmentFor(BenchContext ctx, string schema)
    {
        var environment = new Dictionary<string, string>(ctx.Options.HostEnvironment)
        {
            ["ConnectionStrings__EventCrm"] = ctx.ConnectionString,
            ["Marten__Schema"] = schema,
            ["Auth__AdminKey"] = ctx.ApiKey,
        };
        return environment;
    }

    public static async Task<HostProcess> StartAsync(BenchContext ctx, string schema, string label, CancellationToken ct,
        IReadOnlyDictionary<string, string>? settings = null, int niceness = 0)
    {
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var logFile = Path.Combine(ctx.LogDir, $"{ctx.Options.Mode}-{label}-host.log");
        File.Delete(logFile);
        var watch = Stopwatch.StartNew();
        var environment = EnvironmentFor(ctx, schema);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) environment[key] = value;
        var process = ChildProcesses.StartHost(ctx.HostDir, ["--urls", url], environment, logFile, niceness);
        ctx.Log($"Host started (pid {process.Id}, {url}, schema {schema}, log {Path.GetRelativePath(ctx.Options.RepoRoot, logFile)})");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"the Host exited with code {process.ExitCode} before answering /health:\n{ChildProcesses.Tail(logFile, 30)}");
            if (watch.Elapsed > TimeSpan.FromMinutes(3))
            {
                await ChildProcesses.StopAsync(process, TimeSpan.FromSeconds(5));
                throw new TimeoutException($"the Host did not answer /health within 3 minutes:\n{ChildProcesses.Tail(logFile, 30)}");
            }
            try
            {
                using var answer = await http.GetAsync($"{url}/health", ct);
                if (answer.StatusCode == HttpStatusCode.OK) break;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
            }
            await Task.Delay(100, ct);
        }
        ctx.Log($"Host healthy after {watch.Elapsed.TotalSeconds:F1} s");
        return new HostProcess(ctx, process, label, new Uri(url), logFile, watch.Elapsed.TotalSeconds);
    }

    public double? PeakWorkingSetMb => ChildProcesses.PeakWorkingSetMb(_process.Id);

    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        var peak = PeakWorkingSetMb ?? 0;
        await ChildProcesses.StopAsync(_process, TimeSpan.FromSeconds(15));
        _ctx.HostRuns.Add(new HostRun(_label, peak, _startSeconds));
        _ctx.Log($"Host stopped (pid {_process.Id}); peak working set {peak:N0} MB");
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
