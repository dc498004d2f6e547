using EventCrm.Bench.Scenarios;

namespace EventCrm.Bench.Runner;

public static class ScenarioList
{
    /// <summary>
    /// Every scenario function, in running order (baselines first only for reading ease: ratios
    /// are resolved after the whole run). Import, replay and export do not exist yet; each will be
    /// one more function here, e.g. new("import", "...", Import.RunAsync), with its figure compared
    /// against copy-write-baseline or copy-read-baseline.
    /// </summary>
    public static readonly Scenario[] All =
    [
        new("copy-write", "binary COPY into a plain table: the write limit", CopyWriteBaseline.RunAsync),
        new("projections", "bulk load, COPY TO STDOUT (the read limit), async daemon catch-up, Marten rebuild", ProjectionScenario.RunAsync),
        new("ingest", "(a) arrays of 500 from concurrent clients, 80% existing customers / 20% signups", BatchIngestion.RunAsync),
        new("single-post", "(b) single-touchpoint posts from 16 concurrent clients", SinglePosts.RunAsync),
        new("reads", "(f) timeline and value reads on the demo base; value as of a date for 1,000 touchpoints", Reads.RunAsync),
        new("fit", "BG/NBD + Gamma-Gamma fit on 100,000 synthetic customers (BenchmarkDotNet)", ClvFit.RunAsync),
    ];
}
