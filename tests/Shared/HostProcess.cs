using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace EventCrm.Tests.Shared;

/// <summary>
/// The built Host as production runs it: its own process, Kestrel on a port of its own, over a
/// database and schema given by the test. It can be killed (SIGKILL, no shutdown at all) and
/// started again on the same port; it is stopped by its PID, never by name. One source file,
/// compiled into each test project that runs the Host this way.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private readonly string _name;
    private Process? _process;
    private StreamWriter? _log;
    private readonly List<string> _lines = [];
    private int _starts;

    private readonly string _workingFolder;

    private HostProcess(string name, Uri baseAddress, Dictionary<string, string> environment, string workingFolder) =>
        (_name, BaseAddress, _environment, _workingFolder) = (name, baseAddress, environment, workingFolder);

    public Uri BaseAddress { get; }
    public int Port => BaseAddress.Port;
    private readonly string _run = DateTime.UtcNow.ToString("HHmmss");
    public string LogFile => Path.Combine(LogFolder, $"{_name}-{_run}-{_starts}.log");
    public static string LogFolder => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "host-logs")).FullName;

    /// <summary>
    /// Starts the Host and waits until /health answers 200. It runs from its project folder, as
    /// ./eventcrm starts it, unless another working folder is given.
    /// </summary>
    public static async Task<HostProcess> Start(string name, string connectionString, string schema, string adminKey,
        IDictionary<string, string>? settings = null, TimeSpan? within = null, string? workingFolder = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__EventCrm"] = connectionString,
            ["Marten__Schema"] = schema,
            ["Auth__AdminKey"] = adminKey,
            // As every test host (AppFixture): most are seeded after they start, and a valuation at start would value the
            // empty base, answered for Portfolio:RefreshAfter. A scenario about it passes "on".
            ["Portfolio__ValueAtStart"] = "off",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) environment[key] = value;
        var host = new HostProcess(name, new Uri($"http://127.0.0.1:{FreePort()}"), environment, workingFolder ?? HostProject);
        try
        {
            await host.StartAgain(within ?? TimeSpan.FromSeconds(120));
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    /// <summary>Starts the process (again, after a kill or a stop) on the same port, then waits for /health.</summary>
    public async Task StartAgain(TimeSpan within, bool waitUntilHealthy = true)
    {
        if (_process is { HasExited: false }) throw new InvalidOperationException("the Host is still running");
        _process?.Dispose();
        _starts++;
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _workingFolder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in _environment) start.Environment[key] = value;
        foreach (var argument in new[] { HostDll, "--urls", BaseAddress.ToString().TrimEnd('/') })
            start.ArgumentList.Add(argument);

        _log?.Dispose();
        var log = _log = new StreamWriter(LogFile) { AutoFlush = true };
        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, line) => Write(log, line.Data);
        _process.ErrorDataReceived += (_, line) => Write(log, line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (waitUntilHealthy) await WaitUntilHealthy(within);
    }

    public async Task WaitUntilHealthy(TimeSpan within)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited) throw new InvalidOperationException($"The Host exited with code {_process.ExitCode}; see {LogFile}");
            try
            {
                if ((await http.GetAsync("/health")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The Host did not answer /health within {within}; see {LogFile}");
    }

    /// <summary>SIGKILL: no shutdown hook, no flush, no goodbye; as a power cut is to the process.</summary>
    public async Task Kill()
    {
        if (_process is null || _process.HasExited) return;
        _ = kill(_process.Id, SigKill);
        await _process.WaitForExitAsync();
    }

    public bool HasExited => _process?.HasExited ?? true;

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            // SIGTERM first so the Host shuts down gracefully (it releases its daemon locks), then SIGKILL.
            _ = kill(process.Id, SigTerm);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        _process?.Dispose();
        if (_log is { } log) lock (log) log.Dispose();
    }

    // tests/<project>/bin/<Configuration>/net10.0 -> src/Host, and the Host built in the same configuration.
    private static readonly DirectoryInfo TestOutput = new(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
    private static string HostProject => Path.Combine(TestOutput.Parent!.Parent!.Parent!.Parent!.Parent!.FullName, "src", "Host");
    private static string HostDll => Path.Combine(HostProject, "bin", TestOutput.Parent!.Name, TestOutput.Name, "EventCrm.Host.dll");

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>How many lines the Host has written so far (every start): read what comes after with <see cref="LinesSince"/>.</summary>
    public int Mark()
    {
        lock (_lines) return _lines.Count;
    }

    /// <summary>The lines of standard output and standard error since the mark, in the order they were read.</summary>
    public IReadOnlyList<string> LinesSince(int mark)
    {
        lock (_lines) return _lines.Skip(mark).ToList();
    }

    private void Write(StreamWriter log, string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add(line);
        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // a line after the stop: nobody reads it any more
            }
        }
    }

    private const int SigKill = 9;
    private const int SigTerm = 15;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
