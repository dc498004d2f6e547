using Marten.Storage;
using Npgsql;

namespace EventCrm.Host.Replays;

/// <summary>
/// Where a database's event log ends, for a reader that must see all of it up to there: the last
/// sequence number committed, once every writer that was appending when it was read has finished.
/// Sequence numbers are drawn inside the appending transaction, so such a writer may hold a lower
/// number it has not committed yet; read too early, its event would be missing from a replay that
/// says it covered the log up to there, and from every later request for the same replay.
/// </summary>
public sealed class LogEnd(ILogger<LogEnd> logger)
{
    /// <summary>Appends commit in milliseconds (an import's batch waits at most 2 s for the one before it); past this, something else holds the table.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public async Task<long> ReadAsync(IMartenDatabase database, string schema, CancellationToken ct)
    {
        var events = $"{schema}.mt_events";
        await using var connection = database.CreateConnection();
        await connection.OpenAsync(ct);
        // A writer holds this lock on the table from the start of its insert, before it draws its
        // numbers, until it ends: every writer that drew a number below the end read here holds it now.
        const string writers = "from pg_locks where relation = to_regclass(@events) and mode = 'RowExclusiveLock' and pid <> pg_backend_pid()";
        await using var read = new NpgsqlCommand($"select coalesce((select max(seq_id) from {events}), 0), array(select virtualtransaction {writers})", connection);
        read.Parameters.AddWithValue("events", events);
        long end;
        string[] appending;
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            (end, appending) = (reader.GetInt64(0), reader.GetFieldValue<string[]>(1));
        }

        var deadline = DateTime.UtcNow + Patience;
        await using var still = new NpgsqlCommand($"select count(*) {writers} and virtualtransaction = any(@appending)", connection);
        still.Parameters.AddWithValue("events", events);
        still.Parameters.AddWithValue("appending", appending);
        while (appending.Length > 0 && (long)(await still.ExecuteScalarAsync(ct))! > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                logger.LogWarning("Writers of {Events} still open after {Patience}: the log's end {End} is taken as it is, an event they commit below it would be missed",
                    events, Patience, end);
                break;
            }
            await Task.Delay(20, ct);
        }
        return end;
    }
}
