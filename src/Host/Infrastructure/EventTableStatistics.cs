using Marten;
using Npgsql;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Keeps the planner's statistics on the events table current. Without them (a new database, a
/// bulk load, a burst of ingestion before autovacuum's next round a minute later) PostgreSQL plans
/// the async daemon's page query (a seq_id range, ORDER BY seq_id LIMIT n) as a scan of the whole
/// remaining range sorted for every page: projections then crawl (measured 12x to 78x slower) and
/// take the CPU ingestion needs. Checked every few seconds; see <see cref="MinimumPages"/>.
/// </summary>
public sealed class EventTableStatistics(IDocumentStore store, ILogger<EventTableStatistics> logger) : BackgroundService
{
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Size of the table, in pages, from which a table never analyzed is analyzed (about 5,000
    /// events). After that it is analyzed each time it has doubled since its last analysis: the
    /// planner finds the newest sequence numbers beyond its histogram in the index itself, so
    /// analyzing more often (a third of a second of a core each time here) buys nothing, and
    /// autovacuum keeps its own schedule as well. Sizes, not pg_stat counters, decide: those reach
    /// the statistics only when the writing sessions flush them, seconds (up to a minute) later.
    /// The one exception, an analysis that found the table nearly empty: <see cref="EventTableSize.NeedsAnalysis"/>.
    /// </summary>
    public const long MinimumPages = 500;

    public static async Task RefreshAsync(IDocumentStore store, CancellationToken ct)
    {
        foreach (var database in await store.Storage.AllDatabases())
        {
            await using var connection = database.CreateConnection();
            await connection.OpenAsync(ct);
            await AnalyzeAsync(connection, store.Options.Events.DatabaseSchemaName, ct);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckEvery);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var database in await store.Storage.AllDatabases()) await RefreshIfStaleAsync(database.CreateConnection(), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "Could not check the events table's statistics; trying again in {Seconds} s", CheckEvery.TotalSeconds);
            }
        }
    }

    private async Task RefreshIfStaleAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var _ = connection;
        await connection.OpenAsync(ct);
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var command = new NpgsqlCommand(
            "select pg_relation_size(c.oid) / current_setting('block_size')::bigint, c.relpages, c.reltuples, pg_stat_get_live_tuples(c.oid) " +
            "from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = 'mt_events'", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = schema });
        EventTableSize table;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct)) return;
            table = new EventTableSize(reader.GetInt64(0), reader.GetInt32(1), reader.GetFloat(2), reader.GetInt64(3));
        }
        if (!table.NeedsAnalysis) return;
        logger.LogInformation("{Schema}.mt_events holds {Pages} pages, {LiveRows} rows committed ({Analyzed} pages and {AnalyzedRows} rows at its last analysis): analyzing",
            schema, table.Pages, table.LiveRows, table.AnalyzedPages, table.AnalyzedRows);
        await AnalyzeAsync(connection, schema, ct);
    }

    /// <summary>
    /// The columns queries filter, join and sort on: the daemon's pages (seq_id), stream reads
    /// (stream_id, version), touchpoint ids (id), the export's filters (type, timestamp,
    /// correlation_id). Statistics on the payloads and the other columns would serve no query of
    /// ours and made the analysis, a burst of a core in the middle of ingestion, half as long again
    /// (0.34-0.36 s against 0.19-0.21 s on a million events); autovacuum still analyzes every column
    /// on its own, throttled, schedule.
    /// </summary>
    private static async Task AnalyzeAsync(NpgsqlConnection connection, string schema, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"analyze {schema}.mt_events (seq_id, id, stream_id, version, type, timestamp, tenant_id, correlation_id, is_archived), {schema}.mt_streams (id)",
            connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
