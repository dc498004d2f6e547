using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Npgsql;

namespace EventCrm.Browser.Tests.Support;

/// <summary>
/// The built Host run as the service runs in production: its own Kestrel process on a free port,
/// over the test database in a schema of its own, stopped by its PID at the end.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    public const string Schema = "eventcrm_browser";

    private readonly Process _process;
    private readonly StreamWriter _log;

    private HostProcess(Process process, StreamWriter log, Uri baseAddress) => (_process, _log, BaseAddress) = (process, log, baseAddress);

    public Uri BaseAddress { get; }

    public static async Task<HostProcess> Start(string adminKey)
    {
        var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException("Set ConnectionStrings__EventCrm (./eventcrm test does) to run the browser tests.");
        await DropSchema(connectionString);

        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Paths.HostProject,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ConnectionStrings__EventCrm"] = connectionString,
                ["Marten__Schema"] = Schema,
                ["Auth__AdminKey"] = adminKey,
            },
        };
        foreach (var argument in new[] { Paths.HostDll, "--urls", baseAddress.ToString().TrimEnd('/') }) start.ArgumentList.Add(argument);

        var log = new StreamWriter(Path.Combine(Paths.Output, "host.log")) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, line) => Write(log, line.Data);
        process.ErrorDataReceived += (_, line) => Write(log, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var host = new HostProcess(process, log, baseAddress);
        try
        {
            await host.WaitUntilHealthy(TimeSpan.FromSeconds(90));
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    private async Task WaitUntilHealthy(TimeSpan within)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The Host exited with code {_process.ExitCode}; see {Path.Combine(Paths.Output, "host.log")}");
            try
            {
                if ((await http.GetAsync("/health")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"The Host did not answer /health within {within}; see {Path.Combine(Paths.Output, "host.log")}");
    }

    /// <summary>A clean base for every run: the Host recreates its schema on start.</summary>
    private static async Task DropSchema(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null) return;
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

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM first so the Host shuts down gracefully (it releases its daemon locks), then SIGKILL.
            _ = kill(_process.Id, SigTerm);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
        lock (_log) _log.Dispose();
    }

    private const int SigTerm = 15;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
