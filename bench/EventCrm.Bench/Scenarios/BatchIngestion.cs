using System.Diagnostics;
using System.Net;
using EventCrm.Bench.Infrastructure;
using EventCrm.Bench.Load;
using EventCrm.Bench.Runner;

namespace EventCrm.Bench.Scenarios;

/// <summary>
/// (a) POST /api/touchpoints with arrays of 500 from several concurrent clients, the issue's
/// realistic mix: 80% of the touchpoints go to existing customers picked at random among the
/// base, 20% are signups of new customers. Figure: appended events per second of wall time.
/// A 409 "too much contention" answer is retried by the client, as docs/api.md tells callers to.
/// Measured after a warm-up of the same mix (a third as many arrays), once the daemon caught up.
/// Afterwards, for the details only, a few more arrays from one client show the rate without
/// concurrent writers, and the same mix into a Host running no daemon shows the append path alone.
/// </summary>
public static class BatchIngestion
{
    public const string Name = "ingest-http-batch";
    private const int MaxRetries = 10;

    private sealed record Outcome(long Appended, int Retries, List<string> Failures, TimeSpan Elapsed, Latencies Latencies);

    public static async Task<IReadOnlyList<Figure>> RunAsync(BenchContext ctx, CancellationToken ct)
    {
        var sizes = ctx.Sizes;
        var schema = BenchContext.SchemaFor(Name);
        await ctx.FreshSchemaAsync(schema, ct);
        await using var host = await HostProcess.StartAsync(ctx, schema, Name, ct);
        using var api = new ApiClient(ctx, host.BaseAddress);
        await CustomerBase.SignUpAsync(ctx, api, sizes.IngestBaseCustomers, sizes.IngestClients, ct);

        var factory = new TouchpointFactory("ingest", 42);
        var batches = Prepare(factory, sizes, sizes.IngestBatches);
        ctx.Log($"{batches.Count} arrays of {sizes.IngestBatchSize} prepared ({batches.Sum(b => b.Length) / batches.Count / 1024:N0} KB each), {sizes.IngestClients} clients");

        // A fresh process spends a tenth of the machine recompiling its hot code for the first tens
        // of seconds (tiered JIT, seen with perf): the same mix first, unmeasured, then the daemon
        // is let catch up, so the figure is the rate of a running service, as single-post's is.
        var warmup = Prepare(new TouchpointFactory("ingest-warmup", 43), sizes, Math.Max(4, sizes.IngestBatches / 3));
        var warm = await PostAllAsync(api, warmup, sizes.IngestClients, ct);
        ctx.Log($"warm-up: {warm.Appended:N0} events of the same mix in {warm.Elapsed.TotalSeconds:F1} s ({warm.Appended / warm.Elapsed.TotalSeconds:N0} events/s), not measured");
        await ProjectionScenario.WaitForNonStaleAsync(ctx, schema, ct);

        await ctx.Statements.ResetAsync(ct);
        var probe = PhaseProbe.Start(ctx, host);
        var run = await PostAllAsync(api, batches, sizes.IngestClients, ct);
        await probe.DisposeAsync();
        var rate = run.Appended / run.Elapsed.TotalSeconds;
        ctx.Log($"{run.Appended:N0} events appended in {run.Elapsed.TotalSeconds:F2} s: {rate:N0} events/s; {run.Retries} retried 409s, {run.Failures.Count} failed arrays");
        ctx.Log($"array latency: {run.Latencies.Summary()}; Host CPU {probe.HostCpuSeconds * 1000 / Math.Max(1, run.Appended):F2} ms per appended event");
        foreach (var failure in run.Failures.Distinct().Take(5)) ctx.Log($"failure: {failure}");
        await ProjectionScenario.LogTopStatementsAsync(ctx, "the measured ingestion", ct);

        var solo = Prepare(factory, sizes, Math.Max(4, sizes.IngestBatches / 12));
        await ctx.Statements.ResetAsync(ct);
        probe = PhaseProbe.Start(ctx, host);
        var single = await PostAllAsync(api, solo, 1, ct);
        await probe.DisposeAsync();
        ctx.Log($"diagnostic, same mix from ONE client (no concurrent writer): {single.Appended:N0} events in {single.Elapsed.TotalSeconds:F2} s, " +
                $"{single.Appended / single.Elapsed.TotalSeconds:N0} events/s; array latency {single.Latencies.Summary()}; Host CPU {probe.HostCpuSeconds * 1000 / single.Appended:F2} ms per event");
        await ProjectionScenario.LogTopStatementsAsync(ctx, "the one-client diagnostic", ct);

        await host.StopAsync();
        var alone = await WithoutDaemonAsync(ctx, schema, sizes, ct);
        var marten = await MartenAppend.RunAsync(ctx, schema, Prepare(new TouchpointFactory("marten-warmup", 46), sizes, Math.Max(2, sizes.IngestBatches / 6)),
            Prepare(new TouchpointFactory("marten", 47), sizes, Math.Max(4, sizes.IngestBatches / 2)), ct);
        await ctx.DoneWithSchemaAsync(schema, ct);

        return [new Figure(Name, Math.Round(rate), "events/s")
        {
            Against = CopyWriteBaseline.Name, MinRatio = 0.10,
            Note = $"{batches.Count} arrays of {sizes.IngestBatchSize} from {sizes.IngestClients} clients, 80% to {sizes.IngestBaseCustomers:N0} existing customers, 20% signups; " +
                   $"{run.Retries} retried 409s, {run.Failures.Count} failed arrays; one client alone: {single.Appended / single.Elapsed.TotalSeconds:N0} events/s",
        }, alone, marten];
    }

    /// <summary>
    /// Diagnostic: the same mix into a Host with Marten:Daemon=off and no other node, so nothing
    /// projects during the burst: what the append path alone reaches on this machine (the daemon
    /// catches up afterwards wherever it runs). Warmed up like the measured run.
    /// </summary>
    private static async Task<Figure> WithoutDaemonAsync(BenchContext ctx, string schema, BenchSizes sizes, CancellationToken ct)
    {
        await using var host = await HostProcess.StartAsync(ctx, schema, Name + "-no-daemon", ct, new Dictionary<string, string> { ["Marten__Daemon"] = "off" });
        using var api = new ApiClient(ctx, host.BaseAddress);
        await PostAllAsync(api, Prepare(new TouchpointFactory("ingest-no-daemon-warmup", 44), sizes, Math.Max(4, sizes.IngestBatches / 3)), sizes.IngestClients, ct);
        var probe = PhaseProbe.Start(ctx, host);
        var run = await PostAllAsync(api, Prepare(new TouchpointFactory("ingest-no-daemon", 45), sizes, sizes.IngestBatches), sizes.IngestClients, ct);
        await probe.DisposeAsync();
        var rate = run.Appended / run.Elapsed.TotalSeconds;
        ctx.Log($"diagnostic, no daemon running during the burst (Marten:Daemon=off, no other node): {run.Appended:N0} events in {run.Elapsed.TotalSeconds:F2} s, " +
                $"{rate:N0} events/s; array latency {run.Latencies.Summary()}; Host CPU {probe.HostCpuSeconds * 1000 / Math.Max(1, run.Appended):F2} ms per event");
        await host.StopAsync();
        return new Figure(Name + "-no-daemon", Math.Round(rate), "events/s")
        {
            Against = CopyWriteBaseline.Name,
            Note = $"diagnostic: the same mix and clients into a Host with Marten:Daemon=off and no other node, after the same warm-up: the append path alone, " +
                   "with the async projections left to catch up afterwards",
        };
    }

    private static async Task<Outcome> PostAllAsync(ApiClient api, List<byte[]> batches, int clients, CancellationToken ct)
    {
        var latencies = new Latencies();
        var (appended, retries, next) = (0L, 0, -1);
        var failures = new List<string>();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < batches.Count)
            {
                for (var attempt = 0; ; attempt++)
                {
                    var result = await api.PostTouchpointsAsync(batches[i], ct);
                    latencies.Add(result.Milliseconds);
                    if (result.Status == HttpStatusCode.Created)
                    {
                        Interlocked.Add(ref appended, result.Appended);
                        break;
                    }
                    if (result.Status == HttpStatusCode.Conflict && attempt < MaxRetries)
                    {
                        Interlocked.Increment(ref retries);
                        continue;
                    }
                    lock (failures) failures.Add($"{(int)result.Status}: {result.Problem}");
                    break;
                }
            }
        }));
        return new Outcome(appended, retries, failures, watch.Elapsed, latencies);
    }

    private static int _created;

    private static List<byte[]> Prepare(TouchpointFactory factory, BenchSizes sizes, int count)
    {
        var now = DateTimeOffset.UtcNow;
        return Enumerable.Range(0, count).Select(_ => factory.Array(w =>
        {
            for (var k = 0; k < sizes.IngestBatchSize; k++)
            {
                if (factory.Random.NextDouble() < 0.2)
                    factory.Signup(w, $"bench-new-{++_created:D7}", factory.Recent(now, 1));
                else
                    factory.Activity(w, CustomerBase.IdOf(factory.Random.Next(1, sizes.IngestBaseCustomers + 1)), factory.Recent(now, 30));
            }
        })).ToList();
    }
}
