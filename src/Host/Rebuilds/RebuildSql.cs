using JasperFx.Events.Projections;
using Marten.Storage;
using Npgsql;

namespace EventCrm.Host.Rebuilds;

/// <summary>The plain SQL a blue/green rebuild runs beside Marten: schemas, tables and progress rows.</summary>
public static class RebuildSql
{
    /// <summary>The database's high-water mark as its daemon last recorded it (0 when no daemon has run yet).</summary>
    public static async Task<long> RecordedHighWaterMarkAsync(IMartenDatabase database, CancellationToken ct) =>
        (await database.AllProjectionProgress(ct)).FirstOrDefault(s => s.ShardName == ShardState.HighWaterMark)?.Sequence ?? 0;

    public static async Task ExecuteAsync(IMartenDatabase database, string sql, CancellationToken ct)
    {
        await using var connection = database.CreateConnection();
        await connection.OpenAsync(ct);
        await ExecuteAsync(connection, sql, ct);
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task SetProgressAsync(NpgsqlConnection connection, string schema, string shard, long position, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"insert into {schema}.mt_event_progression (name, last_seq_id, last_updated) values (@name, @position, transaction_timestamp()) " +
            "on conflict (name) do update set last_seq_id = excluded.last_seq_id, last_updated = excluded.last_updated", connection);
        command.Parameters.AddWithValue("name", shard);
        command.Parameters.AddWithValue("position", position);
        await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task ForgetProgressAsync(NpgsqlConnection connection, string schema, IEnumerable<string> shards, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"delete from {schema}.mt_event_progression where name = any(@names)", connection);
        command.Parameters.AddWithValue("names", shards.ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }
}
