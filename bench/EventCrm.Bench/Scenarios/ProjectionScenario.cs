using System.Diagnostics;
using Bogus;
using EventCrm.Bench.Infrastructure;
using EventCrm.Bench.Runner;
using EventCrm.Host.Demo;
using EventCrm.Host.Infrastructure;
using EventCrm.Projections.Customers;
using EventCrm.Projections.Values;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Events;
using Npgsql;

namespace EventCrm.Bench.Scenarios;

/// <summary>
/// One bulk-loaded event log (demo-generator customers, written with Marten's binary-COPY bulk
/// insert, then analyzed), then three reads of it: the read limit (COPY of mt_events to STDOUT), the async
/// daemon catching up from zero until every async shard the Host declares is non-stale, and
/// Marten's rebuild of CustomerLedgerProjection.
/// The daemon runs in this process with the Host's own store configuration, so it is the Host's
/// daemon without the HTTP side, and its clock starts exactly when it does.
/// </summary>
public static class ProjectionScenario
{
    public const string CopyRead = "copy-read-baseline", CatchUp = "projection-catch-up", Rebuild = "marten-rebuild",
        BulkInsert = "marten-bulk-insert";

    /// <summary>The marten-rebuild rate of this run (events/s), once measured: the replay scenario compares itself with it in its details.</summary>
    public static double? RebuildRate { get; private set; }

    /// <summary>The rate of the latest <see cref="BulkLoadAsync"/> (events/s), the generation of the events left out.</summary>
    public static double? BulkInsertRate { get; private set; }

    public static async Task<IReadOnlyList<Figure>> RunAsync(BenchContext ctx, CancellationToken ct)
    {
        var schema = BenchContext.SchemaFor(CatchUp);
        await ctx.FreshSchemaAsync(schema, ct);
        var options = new StoreOptions().ConfigureEventCrmStore(ctx.ConnectionString, schema);
        options.Projections.AsyncMode = DaemonMode.Solo; // this process runs the daemon itself (no leader election)
        using var store = new DocumentStore(options);
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        var events = await BulkLoadAsync(ctx, store, ctx.Sizes.CatchUpCustomers, ct);
        var bulkInsert = BulkInsertRate!.Value;
        var highest = await ctx.ScalarAsync<long>($"SELECT max(seq_id) FROM {schema}.mt_events", ct);
        var bytes = await ctx.ScalarAsync<double>($"SELECT avg(octet_length(data::text)) FROM {schema}.mt_events", ct);
        ctx.Log($"event log: {events:N0} events, highest sequence {highest:N0}, mean payload {bytes:N0} bytes");

        var copyRead = await CopyReadAsync(ctx, schema, events, ct);

        await LogStatisticsAsync(ctx, schema, "before the catch-up", ct);
        await ctx.Statements.ResetAsync(ct);
        using var daemon = await store.BuildProjectionDaemonAsync();
        var probe = PhaseProbe.Start(ctx);
        var watch = Stopwatch.StartNew();
        await daemon.StartAllAsync();
        await WaitForProgressAsync(ctx, schema, highest, TimeSpan.FromMinutes(20), ct);
        var catchUp = watch.Elapsed;
        await probe.DisposeAsync();
        var caughtUp = await ctx.ScalarAsync<long>($"SELECT count(*) FROM {schema}.mt_doc_customerledger", ct);
        ctx.Log($"async daemon non-stale after {catchUp.TotalSeconds:F2} s: {events / catchUp.TotalSeconds:N0} events/s ({caughtUp:N0} ledgers)");
        await LogTopStatementsAsync(ctx, "catch-up", ct);

        await LogStatisticsAsync(ctx, schema, "before the rebuild", ct);
        await ctx.Statements.ResetAsync(ct);
        probe = PhaseProbe.Start(ctx);
        watch.Restart();
        await daemon.RebuildProjectionAsync<CustomerLedgerProjection>(TimeSpan.FromMinutes(20), ct);
        var rebuild = watch.Elapsed;
        await probe.DisposeAsync();
        ctx.Log($"RebuildProjectionAsync<CustomerLedgerProjection> in {rebuild.TotalSeconds:F2} s: {events / rebuild.TotalSeconds:N0} events/s");
        RebuildRate = Math.Round(events / rebuild.TotalSeconds);
        await LogTopStatementsAsync(ctx, "rebuild", ct);
        await daemon.StopAllAsync();

        var ledgers = await ctx.ScalarAsync<long>($"SELECT count(*) FROM {schema}.mt_doc_customerledger", ct);
        ctx.Log($"ledgers after the rebuild: {ledgers:N0} (customers: {ctx.Sizes.CatchUpCustomers:N0})");
        await ctx.DoneWithSchemaAsync(schema, ct);

        var note = $"{events:N0} events of {ctx.Sizes.CatchUpCustomers:N0} demo customers";
        return
        [
            new Figure(CopyRead, Math.Round(copyRead), "rows/s") { Note = $"COPY (SELECT * FROM mt_events ORDER BY seq_id) TO STDOUT (FORMAT BINARY), {note}" },
            new Figure(CatchUp, Math.Round(events / catchUp.TotalSeconds), "events/s") { Against = CopyRead, Note = $"every async shard ({string.Join(", ", AsyncShards(ctx))}) from zero to non-stale, {note}" },
            new Figure(Rebuild, Math.Round(events / rebuild.TotalSeconds), "events/s") { Against = CopyRead, Note = $"daemon.RebuildProjectionAsync<CustomerLedgerProjection>, {note}" },
            new Figure(BulkInsert, Math.Round(bulkInsert), "events/s")
            {
                Against = CopyWriteBaseline.Name,
                Note = $"diagnostic: Marten's BulkInsertEventsAsync (COPY, new streams only, no inline projection, no checks) loading this scenario's log, {note}, " +
                       "in chunks of 2,000 customers, the events' generation left out: Marten's own bulk path, the natural comparison for `import`",
            },
        ];
    }

    /// <summary>Bulk-inserts the demo generator's customers as new streams; returns how many events were written.</summary>
    public static async Task<long> BulkLoadAsync(BenchContext ctx, DocumentStore store, int customers, CancellationToken ct)
    {
        var graph = (EventGraph)store.Options.Events;
        var end = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var generator = new DemoCustomerGenerator(new Faker("en") { Random = new Randomizer(2024) }, end.AddYears(-3), end);
        var (generating, loading) = (TimeSpan.Zero, TimeSpan.Zero);
        long total = 0;
        const int chunk = 2000;
        for (var first = 1; first <= customers; first += chunk)
        {
            var watch = Stopwatch.StartNew();
            var streams = Enumerable.Range(first, Math.Min(chunk, customers - first + 1)).Select(number =>
            {
                var touchpoints = generator.Generate(number);
                var stream = touchpoints.Select(t =>
                {
                    var e = graph.BuildEvent(t.Touchpoint);
                    e.Id = TouchpointEventIds.For(t.Touchpoint.TouchpointId);
                    return e;
                }).ToArray();
                total += stream.Length;
                return StreamAction.Start(touchpoints[0].CustomerId, stream);
            }).ToList();
            generating += watch.Elapsed;
            watch.Restart();
            await store.BulkInsertEventsAsync(streams, 1000, ct);
            loading += watch.Elapsed;
        }
        ctx.Log($"bulk load: generated {total:N0} events in {generating.TotalSeconds:F1} s, BulkInsertEventsAsync wrote them in {loading.TotalSeconds:F1} s ({total / loading.TotalSeconds:N0} events/s)");
        BulkInsertRate = total / loading.TotalSeconds;
        // As the Host's import and its statistics keeper do after a load (EventTableStatistics).
        var schema = store.Options.Events.DatabaseSchemaName;
        await using (var analyze = ctx.Database.CreateCommand($"ANALYZE {schema}.mt_events, {schema}.mt_streams")) await analyze.ExecuteNonQueryAsync(ct);
        return total;
    }

    /// <summary>The read limit: the whole log in sequence order through COPY TO STDOUT, binary; best of two (the second runs on a warm cache, as the daemon does).</summary>
    public static async Task<double> CopyReadAsync(BenchContext ctx, string schema, long events, CancellationToken ct)
    {
        var best = double.MaxValue;
        var buffer = new byte[1 << 16];
        for (var run = 0; run < 2; run++)
        {
            var watch = Stopwatch.StartNew();
            long bytes = 0;
            await using (var conn = await ctx.Database.OpenConnectionAsync(ct))
            await using (var copy = await conn.BeginRawBinaryCopyAsync($"COPY (SELECT * FROM {schema}.mt_events ORDER BY seq_id) TO STDOUT (FORMAT BINARY)", ct))
            {
                int read;
                while ((read = await copy.ReadAsync(buffer, ct)) > 0) bytes += read;
            }
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
            ctx.Log($"COPY TO STDOUT run {run + 1}: {events:N0} rows, {bytes / 1048576.0:N0} MB in {watch.Elapsed.TotalSeconds:F2} s");
        }
        return events / best;
    }

    /// <summary>
    /// Polls (every 50 ms) the progression rows of the store's async projection shards until every
    /// one of them reached the sequence. Only the shards' own rows count: Marten 9 also keeps
    /// high-water bookkeeping rows (HighWaterMark, HighWaterAllocationFence ...) in that table.
    /// </summary>
    private static async Task WaitForProgressAsync(BenchContext ctx, string schema, long sequence, TimeSpan timeout, CancellationToken ct)
    {
        var shards = AsyncShards(ctx);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            await using var cmd = ctx.Database.CreateCommand(
                $"SELECT count(*), coalesce(min(last_seq_id), 0) FROM {schema}.mt_event_progression WHERE name = ANY($1)");
            cmd.Parameters.Add(new NpgsqlParameter { Value = shards });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            if (reader.GetInt64(0) == shards.Length && reader.GetInt64(1) >= sequence) return;
            if (watch.Elapsed > timeout)
                throw new TimeoutException($"the daemon did not bring {string.Join(", ", shards)} to sequence {sequence} within {timeout}");
            await Task.Delay(50, ct);
        }
    }

    private static string[]? _shards;

    /// <summary>The Host's async projection shards (e.g. CustomerLedger:All), as its store configuration declares them.</summary>
    public static string[] AsyncShards(BenchContext ctx)
    {
        if (_shards is not null) return _shards;
        var options = new StoreOptions().ConfigureEventCrmStore(ctx.ConnectionString, "bench_shards");
        options.Projections.AsyncMode = DaemonMode.Solo;
        using var store = new DocumentStore(options);
        return _shards = ((StoreOptions)store.Options).Projections.AllShards().Select(s => s.Name.Identity).ToArray();
    }

    /// <summary>Waits until the Host's own daemon has caught up with everything in a schema (used before read measurements).</summary>
    public static async Task WaitForNonStaleAsync(BenchContext ctx, string schema, CancellationToken ct)
    {
        var highest = await ctx.ScalarAsync<long>($"SELECT coalesce(max(seq_id), 0) FROM {schema}.mt_events", ct);
        var watch = Stopwatch.StartNew();
        await WaitForProgressAsync(ctx, schema, highest, TimeSpan.FromMinutes(10), ct);
        ctx.Log($"the Host's async daemon reached sequence {highest:N0} ({watch.Elapsed.TotalSeconds:F1} s of waiting)");
    }

    /// <summary>
    /// Whether the planner has statistics on the log yet: right after a bulk load it has none
    /// until autovacuum analyzes the table (up to a minute later), and the daemon's page query
    /// (seq_id between its position and the high-water mark, ORDER BY seq_id LIMIT n) may then be
    /// planned as a scan of the whole remaining range for every page.
    /// </summary>
    private static async Task LogStatisticsAsync(BenchContext ctx, string schema, string when, CancellationToken ct)
    {
        await using var cmd = ctx.Database.CreateCommand(
            $"SELECT coalesce(greatest(last_analyze, last_autoanalyze)::text, 'never') FROM pg_stat_user_tables WHERE relid = '{schema}.mt_events'::regclass");
        ctx.Log($"mt_events last analyzed {when}: {await cmd.ExecuteScalarAsync(ct)} (now {DateTimeOffset.UtcNow:HH:mm:ss} UTC)");
    }

    public static async Task LogTopStatementsAsync(BenchContext ctx, string phase, CancellationToken ct)
    {
        ctx.Log($"top statements during {phase} (pg_stat_statements):");
        foreach (var row in await ctx.Statements.TopAsync(8, ct)) ctx.Log(row);
    }
}
