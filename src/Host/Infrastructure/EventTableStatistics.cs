using Marten;
using Npgsql;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Keeps the planner's statistics on the events table current. Without them (a new database, a
/// bulk load, a burst of ingestion before autovacuum's next round a minute later) PostgreSQL plans
/// the async daemon's page query (a seq_id range, ORDER BY seq_id LIMIT n) as a scan of the whole
/// remaining range sorted for every page: projections then crawl (measured 12x to 78x slower) and
/// take the CPU ingestion needs.
/// </summary>
public sealed class EventTableStatistics(IDocumentStore store, ILogger<EventTableStatistics> logger) : BackgroundService
{
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(5);

    /// <summary>Rows changed since the last analysis that call for a new one: a fifth of the table, and at least this many.</summary>
    public const long MinimumChanges = 5_000;

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
            "select n_mod_since_analyze from pg_stat_user_tables where schemaname = $1 and relname = 'mt_events' " +
            "and n_mod_since_analyze >= greatest($2, n_live_tup / 5)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = schema });
        command.Parameters.Add(new NpgsqlParameter { Value = MinimumChanges });
        if (await command.ExecuteScalarAsync(ct) is not long changed) return;
        logger.LogInformation("{Changed} events since the last analysis of {Schema}.mt_events: analyzing", changed, schema);
        await AnalyzeAsync(connection, schema, ct);
    }

    private static async Task AnalyzeAsync(NpgsqlConnection connection, string schema, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"analyze {schema}.mt_events, {schema}.mt_streams", connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
