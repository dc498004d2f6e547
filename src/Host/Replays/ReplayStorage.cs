using Marten;
using Npgsql;
using NpgsqlTypes;
using EventCrm.Projections.Schema;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace EventCrm.Host.Replays;

/// <summary>
/// One row per replayed customer: its values and the live comparison. The valuation is UTF-8 JSON
/// kept as `bytea`: only ever read back whole, and stored without the server parsing it
/// (`convert_from(valuation, 'UTF8')::jsonb` still opens it to SQL). The value history is not
/// stored any more (about 180 bytes per event, most of a replay's writing): a replayed customer's
/// read works it out from the log the replay covered. Replays of before 2026-12-04 keep the
/// histories they stored, and their reads show them.
/// </summary>
public static class ReplayStorage
{
    public const string TableName = "replay_values";

    public static Table Table(string schema)
    {
        var table = new OwnTable(schema, TableName);
        table.AddColumn<string>("replay_id").AsPrimaryKey();
        table.AddColumn<string>("customer_id").AsPrimaryKey();
        table.AddColumn<decimal>("current_value").NotNull();
        table.AddColumn<decimal>("potential").NotNull();
        table.AddColumn<string>("tier").NotNull();
        table.AddColumn<decimal>("live_value").NotNull();
        table.AddColumn<string>("live_tier").NotNull();
        table.AddColumn<int>("events").NotNull();
        table.AddColumn(new Utf8JsonColumn("valuation")).NotNull();
        table.AddColumn(new Utf8JsonColumn("history")).AllowNulls();
        // Why the formula cannot value the customer (its valuation is then JSON null); null when it can.
        table.AddColumn<string>("not_computable").AllowNulls();
        return table;
    }

    /// <summary>
    /// Databases written before 2026-12-04 hold the documents as `json` (or, earlier, `jsonb`, both
    /// required): their text becomes the bytes, and the history may be left empty from then on.
    /// </summary>
    private sealed class Utf8JsonColumn(string name) : TableColumn(name, "bytea")
    {
        public override string AlterColumnTypeSql(Table table, TableColumn changeActual) =>
            $"alter table {table.Identifier} alter column {QuotedName} type bytea using convert_to({QuotedName}::text, 'UTF8');" +
            (AllowNulls ? $" alter table {table.Identifier} alter column {QuotedName} drop not null;" : "");
    }

    /// <summary>The valuation is UTF-8 JSON: what the column receives, at half the memory of a string.</summary>
    public sealed record Row(string CustomerId, decimal Current, decimal Potential, string Tier, decimal Live, string LiveTier, int Events,
        byte[] Valuation, string? NotComputable);

    /// <summary>A chunk of customers in one transaction: the table itself is the replay's checkpoint.</summary>
    public static async Task WriteAsync(NpgsqlConnection connection, string schema, string replayId, IReadOnlyList<Row> rows, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Without waiting for the disk: a chunk lost to a server crash is only a chunk to replay
        // again, since the resume starts after the last customer the table holds. Histories of a
        // few KB are compressed out of line: lz4, where the server has it, costs it a fraction of pglz.
        await using (var relaxed = new NpgsqlCommand("set local synchronous_commit to off; " +
            "select set_config('default_toast_compression', 'lz4', true) from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)",
            connection))
            await relaxed.ExecuteNonQueryAsync(ct);
        await using (var writer = await connection.BeginBinaryImportAsync(
            $"copy {schema}.{TableName} (replay_id, customer_id, current_value, potential, tier, live_value, live_tier, events, valuation, not_computable) from stdin (format binary)", ct))
        {
            foreach (var r in rows)
            {
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(replayId, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(r.CustomerId, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(r.Current, NpgsqlDbType.Numeric, ct);
                await writer.WriteAsync(r.Potential, NpgsqlDbType.Numeric, ct);
                await writer.WriteAsync(r.Tier, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(r.Live, NpgsqlDbType.Numeric, ct);
                await writer.WriteAsync(r.LiveTier, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(r.Events, NpgsqlDbType.Integer, ct);
                await writer.WriteAsync(r.Valuation, NpgsqlDbType.Bytea, ct);
                if (r.NotComputable is null) await writer.WriteNullAsync(ct);
                else await writer.WriteAsync(r.NotComputable, NpgsqlDbType.Text, ct);
            }
            await writer.CompleteAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    /// <summary>Where an interrupted replay resumes: after the last customer it wrote, with the events and customers it counted.</summary>
    public static async Task<(string? LastCustomer, long Events, int Customers, int NotComputable)> ProgressAsync(NpgsqlConnection connection, string schema,
        string replayId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select max(customer_id), coalesce(sum(events), 0), count(*), count(not_computable) from {schema}.{TableName} where replay_id = @id", connection);
        command.Parameters.AddWithValue("id", replayId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1), (int)reader.GetInt64(2), (int)reader.GetInt64(3));
    }

    private const string LockOf = "hashtextextended('eventcrm replay ' || @id, 0)";

    /// <summary>Takes a replay for this connection's session, unless another session holds it.</summary>
    public static async Task<bool> TryTakeAsync(NpgsqlConnection connection, string replayId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"select pg_try_advisory_lock({LockOf})", connection);
        command.Parameters.AddWithValue("id", replayId);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// The node computing the replay: the application_name of the session holding its lock (every
    /// session of a node carries the node's name), or null when no session holds it (no node computes
    /// it now: its node was killed, say, and another has not resumed it yet).
    /// </summary>
    public static async Task<string?> ComputedByAsync(Marten.IQuerySession session, string replayId, CancellationToken ct) =>
        (await session.AdvancedSql.QueryAsync<string>(
            "select coalesce(nullif(a.application_name, ''), 'PostgreSQL pid ' || a.pid) from (select hashtextextended('eventcrm replay ' || ?, 0) as key) k " +
            "join pg_locks l on l.locktype = 'advisory' and l.granted and l.objsubid = 1 " +
            "and l.classid::bigint = ((k.key >> 32) & 4294967295) and l.objid::bigint = (k.key & 4294967295) " +
            "and l.database = (select oid from pg_database where datname = current_database()) " +
            "join pg_stat_activity a on a.pid = l.pid", ct, replayId)).FirstOrDefault();

    /// <summary>Gives a replay back; a connection that broke has lost its session, and the lock with it.</summary>
    public static async Task ReleaseAsync(NpgsqlConnection connection, string replayId)
    {
        if (connection.State != System.Data.ConnectionState.Open) return;
        try
        {
            await using var command = new NpgsqlCommand($"select pg_advisory_unlock({LockOf})", connection);
            command.Parameters.AddWithValue("id", replayId);
            await command.ExecuteScalarAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
        }
    }

    /// <summary>The customers a run has written so far (a resumed run over several databases leaves them out).</summary>
    public static async Task<HashSet<string>> CustomersWrittenAsync(NpgsqlConnection connection, string schema, string replayId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"select customer_id from {schema}.{TableName} where replay_id = @id", connection);
        command.Parameters.AddWithValue("id", replayId);
        var written = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) written.Add(reader.GetString(0));
        return written;
    }

    public static string SchemaOf(IDocumentStore store) => store.Options.DatabaseSchemaName;
}
