namespace EventCrm.Bench.Runner;

public sealed record BenchOptions(bool Quick, string RepoRoot, IReadOnlySet<string>? Only, bool WriteReadme, string? Output, bool KeepSchemas, bool Trace, IReadOnlyDictionary<string, string> HostEnvironment, int QuietWaitSeconds, bool Merge = false)
{
    public string Mode => Quick ? "quick" : "full";
    public BenchSizes Sizes => Quick ? BenchSizes.QuickSizes : BenchSizes.FullSizes;

    public const string Usage = """
        EventCrm.Bench: end-to-end scenarios against a real PostgreSQL and the Host, plus
        BenchmarkDotNet for the in-process fit. Normally run through ./eventcrm bench [--quick].

          --quick            small sizes (under 3 minutes with the build); writes bench/results/quick.json
          --only a,b         run only these scenario functions (see the list below)
          --no-readme        do not rewrite the README section "Performance"
          --merge            with --only: put this run's figures in place of theirs in bench/results/{latest|quick}.json
                             and README's table, keeping every other row (run a figure's baseline scenario with it)
          --trace            record a dotnet-trace (sampled thread time) of the Host during each measured
                             phase into bench/results/logs.tmp (needs: dotnet tool install -g dotnet-trace)
          --host-env K=V     extra environment for the Host children, for experiments (repeatable), e.g.
                             --host-env Logging__LogLevel__Default=Warning; such runs count as partial
          --quiet-wait S     before each scenario, wait up to S seconds for the machine to be quiet (other
                             processes under 0.3 cores); default 0 with --quick, 45 in full mode
          --keep-schemas     keep each scenario's schema (bench_*) for inspection instead of dropping it
          --out PATH         write the JSON there instead of bench/results/{latest|quick}.json
          --repo PATH        the repository root (default: found from the current folder)

        Needs ConnectionStrings__EventCrm (./eventcrm bench starts the bench cluster and sets it).
        """;

    public static BenchOptions Parse(string[] args)
    {
        var (quick, readme, keep, trace, merge) = (false, true, false, false, false);
        string? repo = null, output = null;
        HashSet<string>? only = null;
        var hostEnvironment = new Dictionary<string, string>();
        int? quietWait = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--no-readme": readme = false; break;
                case "--keep-schemas": keep = true; break;
                case "--trace": trace = true; break;
                case "--merge": merge = true; break;
                case "--quiet-wait": quietWait = int.Parse(Value(args, ref i)); break;
                case "--host-env":
                    var pair = Value(args, ref i).Split('=', 2);
                    if (pair.Length != 2) throw new ArgumentException("--host-env takes KEY=VALUE");
                    hostEnvironment[pair[0]] = pair[1];
                    break;
                case "--only": only = [.. Value(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
                case "--out": output = Value(args, ref i); break;
                case "--repo": repo = Value(args, ref i); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }
        if (merge && (only is null || hostEnvironment.Count > 0)) throw new ArgumentException("--merge needs --only and no --host-env");
        return new BenchOptions(quick, repo ?? FindRepoRoot(), only, readme, output, keep, trace, hostEnvironment, quietWait ?? (quick ? 0 : 45), merge);
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EventCrm.sln"))) return dir.FullName;
        }
        throw new ArgumentException("cannot find the repository root (EventCrm.sln); pass --repo");
    }
}

/// <summary>How big each scenario is in each mode. Full mode takes about 10-15 minutes on 2 cores.</summary>
public sealed record BenchSizes(
    int CopyRows,
    int CatchUpCustomers,
    int IngestBaseCustomers, int IngestBatches, int IngestBatchSize, int IngestClients,
    int SinglePostBaseCustomers, int SinglePostClients, TimeSpan SinglePostWarmup, TimeSpan SinglePostDuration,
    int ReadsDemoCustomers, int ReadSamples, TimeSpan ReadWarmup,
    int FitCustomers, int FitIterations,
    int ReplayCustomers, int ImportRows, int ImportMemoryRows)
{
    public static readonly BenchSizes QuickSizes = new(
        CopyRows: 200_000,
        CatchUpCustomers: 1_000,
        IngestBaseCustomers: 4_000, IngestBatches: 16, IngestBatchSize: 500, IngestClients: 4,
        SinglePostBaseCustomers: 2_000, SinglePostClients: 16, SinglePostWarmup: TimeSpan.FromSeconds(3), SinglePostDuration: TimeSpan.FromSeconds(10),
        ReadsDemoCustomers: 300, ReadSamples: 300, ReadWarmup: TimeSpan.FromSeconds(1),
        FitCustomers: 100_000, FitIterations: 2,
        ReplayCustomers: 1_000, ImportRows: 10_000, ImportMemoryRows: 10_000);

    public static readonly BenchSizes FullSizes = new(
        CopyRows: 1_000_000,
        CatchUpCustomers: 10_000,
        IngestBaseCustomers: 20_000, IngestBatches: 120, IngestBatchSize: 500, IngestClients: 4,
        SinglePostBaseCustomers: 20_000, SinglePostClients: 16, SinglePostWarmup: TimeSpan.FromSeconds(5), SinglePostDuration: TimeSpan.FromSeconds(40),
        ReadsDemoCustomers: 6_000, ReadSamples: 2_000, ReadWarmup: TimeSpan.FromSeconds(5),
        FitCustomers: 100_000, FitIterations: 10,
        // about 36 events per demo customer: 28,000 customers is the log of 1,000,000 events
        ReplayCustomers: 28_000, ImportRows: 100_000,
        // the issue measures the import's memory on 1,000,000 events
        ImportMemoryRows: 1_000_000);
}
