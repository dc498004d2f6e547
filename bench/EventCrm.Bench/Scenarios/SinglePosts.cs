using System.Diagnostics;
using System.Net;
using EventCrm.Bench.Infrastructure;
using EventCrm.Bench.Load;
using EventCrm.Bench.Runner;

namespace EventCrm.Bench.Scenarios;

/// <summary>
/// (b) One touchpoint per request from 16 concurrent clients, each posting again as soon as it has
/// its answer (closed loop), to customers picked at random among a signed-up base. Latency is
/// measured by the client around the whole request, after a warm-up period.
/// </summary>
public static class SinglePosts
{
    public const string P50 = "single-post-p50-ms", P99 = "single-post-p99-ms", P99WithoutDaemon = "single-post-p99-no-daemon-ms",
        P99DaemonApart = "single-post-p99-daemon-apart-ms";
    public const double FloorMs = 15;

    public static async Task<IReadOnlyList<Figure>> RunAsync(BenchContext ctx, CancellationToken ct)
    {
        var sizes = ctx.Sizes;
        var schema = BenchContext.SchemaFor("single-post");
        await ctx.FreshSchemaAsync(schema, ct);
        await using var host = await HostProcess.StartAsync(ctx, schema, "single-post", ct);
        using var api = new ApiClient(ctx, host.BaseAddress);
        await CustomerBase.SignUpAsync(ctx, api, sizes.SinglePostBaseCustomers, 4, ct);
        // The base is set-up: its projection work is done before the measured posts begin, as before the reads.
        await ProjectionScenario.WaitForNonStaleAsync(ctx, schema, ct);

        var run = await DriveAsync(ctx, host, api, sizes.SinglePostClients, sizes.SinglePostWarmup, sizes.SinglePostDuration, ct);
        await ProjectionScenario.LogTopStatementsAsync(ctx, "the measured single posts", ct);

        var solo = await DriveAsync(ctx, host, api, 1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(ctx.Options.Quick ? 3 : 8), ct);
        ctx.Log($"diagnostic, ONE client alone: {solo.Posts / solo.Elapsed.TotalSeconds:N0} posts/s, latency {solo.Latencies.Summary()}");
        await host.StopAsync();
        var withoutDaemon = await WithoutDaemonAsync(ctx, schema, ct);
        var daemonApart = await DaemonApartAsync(ctx, schema, ct);
        await ctx.DoneWithSchemaAsync(schema, ct);

        var latencies = run.Latencies;
        var note = $"{sizes.SinglePostClients} closed-loop clients, {run.Posts:N0} posts in {run.Elapsed.TotalSeconds:F0} s ({run.Posts / run.Elapsed.TotalSeconds:N0}/s), base of {sizes.SinglePostBaseCustomers:N0} customers; " +
                   $"one client alone: p50 {solo.Latencies.Percentile(0.5):F1} ms, p99 {solo.Latencies.Percentile(0.99):F1} ms";
        return
        [
            new Figure(P50, Math.Round(latencies.Percentile(0.5), 2), "ms") { Floor = FloorMs, Note = note },
            new Figure(P99, Math.Round(latencies.Percentile(0.99), 2), "ms") { Floor = FloorMs, Note = note },
            withoutDaemon,
            daemonApart,
        ];
    }

    /// <summary>
    /// Diagnostic: the same clients and base against a Host with Marten:Daemon=off and no other
    /// node, so that no projection work competes with the posts: how much of the tail is the daemon's.
    /// </summary>
    private static async Task<Figure> WithoutDaemonAsync(BenchContext ctx, string schema, CancellationToken ct)
    {
        var sizes = ctx.Sizes;
        await using var host = await HostProcess.StartAsync(ctx, schema, "single-post-no-daemon", ct, new Dictionary<string, string> { ["Marten__Daemon"] = "off" });
        using var api = new ApiClient(ctx, host.BaseAddress);
        var duration = sizes.SinglePostDuration / 2;
        var run = await DriveAsync(ctx, host, api, sizes.SinglePostClients, sizes.SinglePostWarmup, duration, ct, "single-no-daemon");
        ctx.Log($"diagnostic, no daemon running (Marten:Daemon=off, no other node): {run.Posts / run.Elapsed.TotalSeconds:N0} posts/s, latency {run.Latencies.Summary()}");
        await host.StopAsync();
        return new Figure(P99WithoutDaemon, Math.Round(run.Latencies.Percentile(0.99), 2), "ms")
        {
            Floor = FloorMs,
            Note = $"diagnostic: the same {sizes.SinglePostClients} clients and base, {run.Posts:N0} posts in {run.Elapsed.TotalSeconds:F0} s " +
                   $"({run.Posts / run.Elapsed.TotalSeconds:N0}/s, p50 {run.Latencies.Percentile(0.5):F1} ms) into a Host with Marten:Daemon=off and no other node: " +
                   "the posts without the async projections competing",
        };
    }

    /// <summary>
    /// Diagnostic: the same clients and base against a Host with Marten:Daemon=off, while a second
    /// Host on the same machine runs the async daemon at the lowest CPU priority (nice 19): the
    /// projections still run, in the time the posts leave, and the figure says what that deployment
    /// does to the tail. The daemon's lag after the burst is logged.
    /// </summary>
    private static async Task<Figure> DaemonApartAsync(BenchContext ctx, string schema, CancellationToken ct)
    {
        var sizes = ctx.Sizes;
        await using var daemon = await HostProcess.StartAsync(ctx, schema, "single-post-daemon-niced", ct, niceness: 19);
        await using var front = await HostProcess.StartAsync(ctx, schema, "single-post-front", ct, new Dictionary<string, string> { ["Marten__Daemon"] = "off" });
        using var api = new ApiClient(ctx, front.BaseAddress);
        // The posts of the run without a daemon are projected first, so that the burst's are the only work.
        await ProjectionScenario.WaitForNonStaleAsync(ctx, schema, ct);
        var duration = sizes.SinglePostDuration / 2;
        var run = await DriveAsync(ctx, front, api, sizes.SinglePostClients, sizes.SinglePostWarmup, duration, ct, "single-daemon-apart");
        var lag = System.Diagnostics.Stopwatch.StartNew();
        await ProjectionScenario.WaitForNonStaleAsync(ctx, schema, ct);
        ctx.Log($"diagnostic, daemon in a second Host at nice 19: {run.Posts / run.Elapsed.TotalSeconds:N0} posts/s, latency {run.Latencies.Summary()}; " +
                $"the daemon caught up {lag.Elapsed.TotalSeconds:F1} s after the burst");
        await front.StopAsync();
        await daemon.StopAsync();
        return new Figure(P99DaemonApart, Math.Round(run.Latencies.Percentile(0.99), 2), "ms")
        {
            Floor = FloorMs,
            Note = $"diagnostic: the same {sizes.SinglePostClients} clients and base, {run.Posts:N0} posts in {run.Elapsed.TotalSeconds:F0} s " +
                   $"({run.Posts / run.Elapsed.TotalSeconds:N0}/s, p50 {run.Latencies.Percentile(0.5):F1} ms) into a Host with Marten:Daemon=off, " +
                   $"the async daemon running in a second Host at nice 19, caught up {lag.Elapsed.TotalSeconds:F1} s after the burst",
        };
    }

    /// <summary>Whether the slow posts bunch up in bursts (a few windows hold most of them) or are spread evenly.</summary>
    private static void LogTailSpread(BenchContext ctx, Latencies latencies)
    {
        var fine = latencies.Windows(TimeSpan.FromMilliseconds(100), FloorMs);
        var slow = fine.Sum(w => w.OverMs);
        if (slow == 0) return;
        var worstTenth = fine.OrderByDescending(w => w.OverMs).Take(Math.Max(1, fine.Count / 10)).Sum(w => w.OverMs);
        ctx.Log($"posts over {FloorMs} ms: {slow:N0} ({100.0 * slow / latencies.Count:F1}%); the worst tenth of the 100-ms windows holds {100.0 * worstTenth / slow:F0}% of them");
        var seconds = latencies.Windows(TimeSpan.FromSeconds(1), FloorMs);
        ctx.Log("per second (posts, p50, p99, max ms): " + string.Join("; ",
            seconds.Select(w => $"{w.StartSeconds:F0}s {w.Count} {w.P50:F1}/{w.P99:F1}/{w.Max:F0}")));
    }

    private sealed record Outcome(long Posts, TimeSpan Elapsed, Latencies Latencies);

    /// <summary>Closed-loop clients posting one touchpoint at a time; only requests that complete in the measured window count.</summary>
    private static async Task<Outcome> DriveAsync(BenchContext ctx, HostProcess host, ApiClient api, int clientCount, TimeSpan warmup, TimeSpan duration, CancellationToken ct,
        string series = "single")
    {
        var sizes = ctx.Sizes;
        var latencies = new Latencies();
        var (posts, failures) = (0L, 0L);
        string? lastFailure = null;
        var measuring = false;
        var watch = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var clients = Enumerable.Range(0, clientCount).Select(client => Task.Run(async () =>
        {
            // Each series its own touchpoint ids: the same id sent again with other content is a 409.
            var factory = new TouchpointFactory($"{series}-{clientCount}-{client}", 500 + client);
            while (!stop.IsCancellationRequested)
            {
                var customer = CustomerBase.IdOf(factory.Random.Next(1, sizes.SinglePostBaseCustomers + 1));
                var body = factory.Single(w => factory.Activity(w, customer, factory.Recent(DateTimeOffset.UtcNow, 30)));
                PostResult result;
                try
                {
                    result = await api.PostTouchpointsAsync(body, stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                if (!Volatile.Read(ref measuring)) continue;
                if (result.Status == HttpStatusCode.Created)
                {
                    latencies.Add(result.Milliseconds);
                    Interlocked.Increment(ref posts);
                }
                else
                {
                    Interlocked.Increment(ref failures);
                    lastFailure = $"{(int)result.Status}: {result.Problem}";
                }
            }
        }, ct)).ToArray();

        await Task.Delay(warmup, ct);
        await ctx.Statements.ResetAsync(ct);
        var probe = PhaseProbe.Start(ctx, host);
        Volatile.Write(ref measuring, true);
        watch.Restart();
        await Task.Delay(duration, ct);
        Volatile.Write(ref measuring, false);
        var elapsed = watch.Elapsed;
        await probe.DisposeAsync();
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        ctx.Log($"{clientCount} client(s), {elapsed.TotalSeconds:F0} s measured after {warmup.TotalSeconds:F0} s of warm-up: {posts:N0} posts ({posts / elapsed.TotalSeconds:N0}/s), {failures} failed{(lastFailure is null ? "" : $" (last: {lastFailure})")}");
        ctx.Log($"latency: {latencies.Summary()}; Host CPU {probe.HostCpuSeconds * 1000 / Math.Max(1, posts):F2} ms per post");
        LogTailSpread(ctx, latencies);
        return new Outcome(posts, elapsed, latencies);
    }
}
