using EventCrm.Bench.Scenarios;

namespace EventCrm.Bench.Runner;

public static class ScenarioList
{
    /// <summary>
    /// Every scenario function, in running order (baselines first only for reading ease: ratios
    /// are resolved after the whole run). Replay and export share one bulk-loaded log (BigLog) and
    /// compare themselves with copy-read-baseline (run projections too), import with
    /// copy-write-baseline (run copy-write too).
    /// </summary>
    public static readonly Scenario[] All =
    [
        new("copy-write", "binary COPY into a plain table: the write limit", CopyWriteBaseline.RunAsync),
        new("projections", "bulk load, COPY TO STDOUT (the read limit), async daemon catch-up, Marten rebuild", ProjectionScenario.RunAsync),
        new("ingest", "(a) arrays of 500 from concurrent clients, 80% existing customers / 20% signups", BatchIngestion.RunAsync),
        new("single-post", "(b) single-touchpoint posts from 16 concurrent clients", SinglePosts.RunAsync),
        new("reads", "(f) timeline and value reads on the demo base; value as of a date for 1,000 touchpoints", Reads.RunAsync),
        new("fit", "BG/NBD + Gamma-Gamma fit on 100,000 synthetic customers (BenchmarkDotNet)", ClvFit.RunAsync),
        new(Import.Name, "`import --file` of back-dated histories of new customers (100,000 rows), then of 1,000,000 rows for the command's peak working set (full mode)", Import.RunAsync),
        new(Replay.Name, "replay of the whole log (1,000,000 bulk-loaded events) under a new simple-clv version, POST /api/replays; the Host's peak working set", Replay.RunAsync),
        new(Export.Name, "GET /api/events (NDJSON) of the same 1,000,000-event log", Export.RunAsync),
    ];
}
