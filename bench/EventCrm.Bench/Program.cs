using System.Diagnostics;
using EventCrm.Bench.Infrastructure;
using EventCrm.Bench.Reporting;
using EventCrm.Bench.Runner;

// EventCrm.Bench: runs the scenario functions of ScenarioList against ConnectionStrings__EventCrm,
// then writes bench/results/{latest|quick}.json, a details file, the table on stdout and the
// README section "Performance". ./eventcrm bench [--quick] is the way to run it.

BenchOptions options;
try
{
    if (args.Contains("--help") || args.Contains("-h"))
    {
        Console.WriteLine(BenchOptions.Usage);
        foreach (var s in ScenarioList.All) Console.WriteLine($"  {s.Name,-12} {s.Description}");
        return 0;
    }
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"bench: {e.Message}\n\n{BenchOptions.Usage}");
    return 2;
}

var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm");
if (string.IsNullOrWhiteSpace(connectionString))
{
    Console.Error.WriteLine("bench: ConnectionStrings__EventCrm is not set; run ./eventcrm bench, which starts the bench cluster.");
    return 2;
}
var unknown = options.Only?.Except(ScenarioList.All.Select(s => s.Name)).ToList();
if (unknown is { Count: > 0 })
{
    Console.Error.WriteLine($"bench: unknown scenario(s) {string.Join(", ", unknown)}; known: {string.Join(", ", ScenarioList.All.Select(s => s.Name))}");
    return 2;
}

await using var ctx = new BenchContext(options, connectionString);
if (!File.Exists(Path.Combine(ctx.HostDir, "bin", "Release", "net10.0", "EventCrm.Host.dll")))
{
    Console.Error.WriteLine("bench: src/Host is not built in Release; run ./eventcrm bench (it builds first).");
    return 2;
}

var date = DateTimeOffset.UtcNow;
var machine = await Machine.DescribeAsync(ctx.Database);
ctx.Log($"mode {options.Mode}; {machine}");
var busyBefore = PhaseProbe.MachineBusySeconds();
await Task.Delay(2000);
ctx.Log($"before starting, the machine was {(PhaseProbe.MachineBusySeconds() - busyBefore) / 2 / Environment.ProcessorCount:P0} busy (other processes; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
await using var pgMemory = await PostgresMemory.StartAsync(ctx.Database);
ctx.PostgresMemory = pgMemory;

var figures = new List<Figure>();
var failures = new List<string>();
var total = Stopwatch.StartNew();
foreach (var scenario in ScenarioList.All.Where(s => options.Only is null || options.Only.Contains(s.Name)))
{
    ctx.CurrentScenario = scenario.Name;
    if (options.QuietWaitSeconds > 0) await WaitForQuietAsync(ctx, options.QuietWaitSeconds);
    var watch = Stopwatch.StartNew();
    ctx.Log($"starting: {scenario.Description}");
    try
    {
        figures.AddRange(await scenario.Run(ctx, CancellationToken.None));
        ctx.Log($"done in {watch.Elapsed.TotalSeconds:F0} s");
    }
    catch (Exception e)
    {
        ctx.Log($"FAILED after {watch.Elapsed.TotalSeconds:F0} s: {e}");
        failures.Add($"{scenario.Name}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
    }
}
ctx.CurrentScenario = null;

// Memory of the processes involved: each Host child (VmHWM when it stopped), this process (which
// ran the in-process daemon and the fit), and the PostgreSQL server (peak of summed Pss).
if (ctx.HostRuns.Count > 0)
    figures.Add(new Figure("host-peak-working-set-mb", Math.Round(ctx.HostRuns.Max(h => h.PeakWorkingSetMb)), "MB")
        { Note = "the largest VmHWM of the Host children: " + string.Join(", ", ctx.HostRuns.Select(h => $"{h.Label} {h.PeakWorkingSetMb:N0} MB")) });
figures.Add(new Figure("bench-peak-working-set-mb", Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0), "MB")
    { Note = "this process: load clients, the in-process async daemon and rebuild, the fit" });
if (pgMemory.Available)
    figures.Add(new Figure("postgres-peak-pss-mb", Math.Round(pgMemory.PeakMb), "MB") { Note = "sum of Pss of the postmaster and its children, sampled every second" });

var results = Baselines.Resolve(figures);
var noise = ctx.OtherCpu.Count == 0 ? "" :
    $"During the measured phases other processes on the machine used on average {ctx.OtherCpu.Sum(o => o.OtherCpuSeconds) / ctx.OtherCpu.Sum(o => o.Seconds):F2} " +
    $"of its {Environment.ProcessorCount} cores (at most {ctx.OtherCpu.Max(o => o.OtherCpuSeconds / o.Seconds):F2} in one phase).";
var partial = options.Only is not null || options.HostEnvironment.Count > 0 || failures.Count > 0;
var merging = options.Merge && failures.Count == 0;
var resultsDir = Path.Combine(options.RepoRoot, "bench", "results");
Directory.CreateDirectory(resultsDir);
var stem = options.Quick ? "quick" : "latest";
// A partial or failed run must not overwrite the committed figures: it goes to *.tmp files (git-ignored),
// unless --merge asks it to replace its own rows of the committed results (see MergedResults).
var jsonPath = options.Output ?? Path.Combine(resultsDir, partial && !merging ? $"{stem}-partial.json.tmp" : $"{stem}.json");
var detailsPath = Path.Combine(resultsDir, merging ? $"{stem}-merged-details.md" : partial ? $"{stem}-partial-details.md.tmp" : $"{stem}-details.md");
var fresh = MergedResults.Fresh(results);
await File.WriteAllTextAsync(jsonPath, merging && File.Exists(jsonPath)
    ? MergedResults.MergeJson(await File.ReadAllTextAsync(jsonPath), fresh)
    : Results.ToJson(date, machine, options.Mode, results));
await File.WriteAllTextAsync(detailsPath, Results.Details(date, machine, noise, options.Mode, figures, ctx.Details, ctx.HostRuns, failures));

var table = Results.Table(results);
Console.WriteLine();
Console.WriteLine($"EventCrm benchmarks, {options.Mode} mode, {total.Elapsed.TotalSeconds:F0} s ({machine})");
Console.WriteLine();
Console.WriteLine(table);
if (noise.Length > 0) Console.WriteLine(noise);
Console.WriteLine($"Results: {Path.GetRelativePath(options.RepoRoot, jsonPath)}; details: {Path.GetRelativePath(options.RepoRoot, detailsPath)}");

var readme = Path.Combine(options.RepoRoot, "README.md");
// README's table shows one mode: a partial run merges into it only when it ran in that mode.
if (options.WriteReadme && merging && Results.ReadmeBlockIn(readme) is { } block && block.Contains($"mode **{options.Mode}**"))
{
    var command = $"./eventcrm bench{(options.Quick ? " --quick" : "")} --only {string.Join(',', options.Only!)} --merge";
    Results.RewriteReadme(readme, MergedResults.MergeReadmeBlock(block, fresh, date, command,
        Path.GetRelativePath(options.RepoRoot, detailsPath).Replace('\\', '/')));
    Console.WriteLine("README.md: this run's rows of the section \"Performance\" replaced.");
}
if (options.WriteReadme && !partial && options.Quick)
    Console.WriteLine("README.md left alone: its section \"Performance\" shows a full run (this quick run's table is in the JSON and details above).");
if (options.WriteReadme && !partial && !options.Quick)
{
    var rel = (string p) => Path.GetRelativePath(options.RepoRoot, p).Replace('\\', '/');
    Results.RewriteReadme(Path.Combine(options.RepoRoot, "README.md"),
        Results.ReadmeBlock(date, machine, noise, options.Mode, rel(jsonPath), rel(detailsPath), results));
    Console.WriteLine("README.md: section \"Performance\" rewritten.");
}
if (failures.Count > 0)
{
    Console.Error.WriteLine($"bench: {failures.Count} scenario(s) failed (README left alone):");
    foreach (var f in failures) Console.Error.WriteLine($"  {f}");
    return 1;
}
return 0;

// The machine may be shared (other people's builds and test runs): start a scenario when the rest
// of the machine has been nearly idle for 3 seconds, or after the patience runs out.
static async Task WaitForQuietAsync(BenchContext ctx, int patienceSeconds)
{
    var watch = Stopwatch.StartNew();
    double busyCores;
    do
    {
        var before = PhaseProbe.MachineBusySeconds();
        await Task.Delay(3000);
        busyCores = (PhaseProbe.MachineBusySeconds() - before) / 3;
        if (busyCores < 0.3) break;
    } while (watch.Elapsed.TotalSeconds < patienceSeconds);
    ctx.Log(busyCores < 0.3
        ? $"machine quiet ({busyCores:F2} cores busy) after {watch.Elapsed.TotalSeconds:F0} s"
        : $"machine still busy ({busyCores:F2} cores used by other processes) after waiting {watch.Elapsed.TotalSeconds:F0} s: starting anyway");
}
