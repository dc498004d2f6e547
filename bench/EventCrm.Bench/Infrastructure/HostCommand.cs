using System.Diagnostics;
using EventCrm.Bench.Runner;

namespace EventCrm.Bench.Infrastructure;

/// <summary>Runs one of the Host's command-line verbs (seed-demo, clv-refit, projections ...) on a schema, as a child process.</summary>
public static class HostCommand
{
    /// <summary>
    /// What ./eventcrm sets for the service and a command does not get: the 128 MB young generation
    /// (README, Configuration) only raised a short batch job's peak working set, as fast without it
    /// (the million-row import: 518-527 MB in two runs of seven, against 327-349 MB in three without).
    /// </summary>
    private static readonly string[] ServiceOnly = ["DOTNET_GCgen0size"];

    public static async Task<TimeSpan> RunAsync(BenchContext ctx, string schema, string label, string[] args, CancellationToken ct) =>
        (await RunMeasuredAsync(ctx, schema, label, args, ct)).Elapsed;

    /// <summary>Like <see cref="RunAsync"/>, also returning the command's peak working set (VmHWM, sampled every 250 ms until it exits) and its log file.</summary>
    public static async Task<(TimeSpan Elapsed, double PeakWorkingSetMb, string LogFile)> RunMeasuredAsync(BenchContext ctx, string schema, string label, string[] args, CancellationToken ct)
    {
        var logFile = Path.Combine(ctx.LogDir, $"{ctx.Options.Mode}-{label}.log");
        File.Delete(logFile);
        var watch = Stopwatch.StartNew();
        var process = ChildProcesses.StartHost(ctx.HostDir, args, HostProcess.EnvironmentFor(ctx, schema), logFile, unset: ServiceOnly);
        ctx.Log($"{string.Join(' ', args)} started (pid {process.Id}, schema {schema})");
        double peak = 0;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, ChildProcesses.PeakWorkingSetMb(process.Id) ?? 0);
            await Task.WhenAny(process.WaitForExitAsync(ct), Task.Delay(250, ct));
        }
        await ChildProcesses.StopAsync(process, TimeSpan.Zero);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"`{string.Join(' ', args)}` failed with exit code {process.ExitCode}:\n{ChildProcesses.Tail(logFile, 30)}");
        ctx.Log($"{string.Join(' ', args)} done in {watch.Elapsed.TotalSeconds:F1} s (peak working set {peak:N0} MB)");
        return (watch.Elapsed, peak, logFile);
    }
}
