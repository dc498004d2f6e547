using System.Text.Json;
using Marten;
using Npgsql;
using NpgsqlTypes;
using EventCrm.Projections.Schema;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace EventCrm.Projections.Audit;

/// <summary>The seals table and the streams' secrets beside the events table, and the raw reads both sealing and verifying use.</summary>
public static class AuditStorage
{
    public const string TableName = "audit_seals";
    /// <summary>One secret per stream that holds personal values, keying their sealed hashes; an erasure deletes it.</summary>
    public const string KeysTableName = "audit_stream_keys";

    public static Table Table(string schema)
    {
        var table = new OwnTable(schema, TableName);
        table.AddColumn<long>("seq_id").AsPrimaryKey();
        table.AddColumn<string>("stream_id").NotNull();
        table.AddColumn<long>("version").NotNull();
        table.AddColumn<string>("hash").NotNull();
        table.AddColumn("personal_hashes", "jsonb").NotNull();
        // False for seals made before their hash covered the event's provenance: verified as they were made.
        table.AddColumn<bool>("covers_provenance").NotNull().DefaultValueByExpression("false");
        table.Indexes.Add(new IndexDefinition("ix_audit_seals_stream") { Columns = ["stream_id", "version"] });
        return table;
    }

    public static Table KeysTable(string schema)
    {
        var table = new OwnTable(schema, KeysTableName);
        table.AddColumn<string>("stream_id").AsPrimaryKey();
        table.AddColumn("key", "bytea").NotNull();
        return table;
    }

    /// <summary>
    /// The secrets of these streams. With <paramref name="create"/>, a stream without one gets one
    /// first, committed at once: no seal may ever depend on a key that was not kept.
    /// </summary>
    public static async Task<Dictionary<string, byte[]>> KeysAsync(NpgsqlConnection connection, string schema, string[] streamIds, bool create, CancellationToken ct)
    {
        if (streamIds.Length == 0) return [];
        if (create)
        {
            await using var insert = connection.CreateCommand();
            insert.CommandText = $"insert into {schema}.{KeysTableName} (stream_id, key) select * from unnest(@streams, @keys) on conflict do nothing";
            insert.Parameters.AddWithValue("streams", NpgsqlDbType.Array | NpgsqlDbType.Varchar, streamIds);
            insert.Parameters.AddWithValue("keys", NpgsqlDbType.Array | NpgsqlDbType.Bytea, streamIds.Select(_ => AuditChain.NewStreamKey()).ToArray());
            await insert.ExecuteNonQueryAsync(ct);
        }
        await using var command = connection.CreateCommand();
        command.CommandText = $"select stream_id, key from {schema}.{KeysTableName} where stream_id = any(@streams)";
        command.Parameters.AddWithValue("streams", NpgsqlDbType.Array | NpgsqlDbType.Varchar, streamIds);
        var keys = new Dictionary<string, byte[]>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) keys[reader.GetString(0)] = reader.GetFieldValue<byte[]>(1);
        return keys;
    }

    public static async Task<List<AuditRow>> RowsAsync(NpgsqlConnection connection, string schema, string where, Action<NpgsqlCommand> bind, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"select seq_id, stream_id, version, type, data::text, timestamp, headers ->> '{AppendedByHeader}', correlation_id, causation_id, is_archived " +
                              $"from {schema}.mt_events where {where} order by seq_id";
        bind(command);
        var rows = new List<AuditRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new AuditRow(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5), NullableText(reader, 6), NullableText(reader, 7), NullableText(reader, 8),
                reader.GetBoolean(9)));
        return rows;
    }

    public static async Task<List<AuditSeal>> SealsAsync(NpgsqlConnection connection, string schema, string where, Action<NpgsqlCommand> bind, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"select seq_id, stream_id, version, hash, personal_hashes::text, covers_provenance from {schema}.{TableName} where {where} order by seq_id";
        bind(command);
        var seals = new List<AuditSeal>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            seals.Add(new AuditSeal(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3),
                JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(4))!, reader.GetBoolean(5)));
        return seals;
    }

    /// <summary>How far into the log the sealer has gone (0 before its first range): every event numbered up to it is sealed.</summary>
    public static async Task<long> SealedThroughAsync(NpgsqlConnection connection, string schema, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"select last_seq_id from {schema}.mt_event_progression where name = @name";
        command.Parameters.AddWithValue("name", AuditSealSubscription.ProgressName);
        return await command.ExecuteScalarAsync(ct) is long sealedThrough ? sealedThrough : 0;
    }

    public static string SchemaOf(IDocumentStore store) => store.Options.DatabaseSchemaName;

    /// <summary>The header naming who appended an event (the Host's AppendContext writes it).</summary>
    public const string AppendedByHeader = "appended-by";

    private static string? NullableText(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
}
