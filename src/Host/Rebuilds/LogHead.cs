using JasperFx.Events.Projections;
using Marten.Storage;
using Npgsql;

namespace EventCrm.Host.Rebuilds;

/// <summary>
/// The sequence a caught-up projection has reached in one database: the last event committed
/// there. Read from the events table itself, because the daemon's own high-water mark (its
/// progress row) is recorded only by a running daemon: with no node running it (every node with
/// <c>Marten:Daemon=off</c>, the daemon's node down, or after the <c>rebuild</c> command) it stays
/// where that daemon left it while events keep being committed above it.
/// </summary>
public static class LogHead
{
    /// <summary>
    /// The highest committed sequence number, or the recorded high-water mark when that is higher:
    /// events deleted since, or a range of numbers drawn by an append that never committed (a node
    /// killed mid-import), which the daemon skipped after its settle time and recorded as reached.
    /// The mark then names a number no event has, as the daemon's position does (docs/api.md,
    /// Projections). An append still in flight does not raise it. max(seq_id) is a look at the end
    /// of the primary key index.
    /// </summary>
    public static async Task<long> HighWaterMarkAsync(IMartenDatabase database, string eventSchema, IReadOnlyList<ShardState> progress, CancellationToken ct)
    {
        var recorded = progress.FirstOrDefault(s => s.ShardName == ShardState.HighWaterMark)?.Sequence ?? 0;
        await using var connection = database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"select coalesce(max(seq_id), 0) from {eventSchema}.mt_events", connection);
        return Math.Max(recorded, (long)(await command.ExecuteScalarAsync(ct))!);
    }
}
