using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace EventCrm.Bench.Infrastructure;

/// <summary>
/// The processes this bench started, by PID, so that an interrupted run stops exactly those and
/// nothing else (other engineers run Hosts on the same machine).
/// </summary>
public static class ChildProcesses
{
    private const int SigTerm = 15;
    private static readonly ConcurrentDictionary<int, Process> Started = new();

    static ChildProcesses()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    /// <summary>Starts `dotnet bin/Release/net10.0/EventCrm.Host.dll args` in src/Host, output appended to a log file.</summary>
    /// <param name="unset">Variables of this process's environment the child must not inherit.</param>
    public static Process StartHost(string hostDir, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string logFile,
        int niceness = 0, IEnumerable<string>? unset = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        // exec: the shell becomes the Host, so the PID we hold is the Host's own (for VmHWM and SIGTERM).
        var nice = niceness > 0 ? $"nice -n {niceness} " : "";
        var command = $"exec {nice}dotnet bin/Release/net10.0/EventCrm.Host.dll {string.Join(' ', args.Select(Quote))} >>{Quote(logFile)} 2>&1";
        var info = new ProcessStartInfo("/bin/sh", ["-c", command]) { WorkingDirectory = hostDir, UseShellExecute = false };
        foreach (var key in unset ?? []) info.Environment.Remove(key);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the Host");
        Started[process.Id] = process;
        return process;
    }

    /// <summary>Peak resident set size (VmHWM) of a running process, in MB; null once it has exited.</summary>
    public static double? PeakWorkingSetMb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>SIGTERM (graceful shutdown), then SIGKILL after the grace period; this PID only.</summary>
    public static async Task StopAsync(Process process, TimeSpan grace)
    {
        if (!process.HasExited)
        {
            _ = Kill(process.Id, SigTerm);
            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }
        Started.TryRemove(process.Id, out _);
    }

    /// <summary>SIGINT to one process we started (tools that stop cleanly on Ctrl-C).</summary>
    public static void Interrupt(int pid) => _ = Kill(pid, 2);

    public static string Tail(string file, int lines) =>
        File.Exists(file) ? string.Join(Environment.NewLine, File.ReadLines(file).TakeLast(lines)) : "(no log)";

    private static void KillAll()
    {
        foreach (var process in Started.Values)
        {
            try
            {
                if (!process.HasExited) process.Kill();
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
