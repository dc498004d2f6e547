using Npgsql;
using EventCrm.Projections.Schema;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace EventCrm.Projections.Privacy;

/// <summary>
/// One row per erasure, written in the erasure's own transaction, numbered by that transaction's id (<c>xid8</c>,
/// which never wraps), so that a node holding names in memory (the portfolio's valuation) can ask, with one indexed
/// query, which customers were erased by a transaction its reads may not have seen: every transaction numbered below
/// the <see cref="HorizonAsync">horizon</see> taken before those reads had ended by then, so its erasure is in what
/// they read. Numbers, not times: a transaction stamped earlier may commit later, and nodes' clocks differ.
/// Holds customer ids only, which are opaque (docs/privacy.md), never a name or email.
/// </summary>
public static class ErasureLog
{
    public const string TableName = "privacy_erasures";

    public static Table Table(string schema)
    {
        var table = new OwnTable(schema, TableName);
        table.AddColumn<string>("customer_id").NotNull();
        table.AddColumn("xact", "xid8").NotNull().DefaultValueByExpression("pg_current_xact_id()");
        table.AddColumn("recorded_at", "timestamp with time zone").NotNull().DefaultValueByExpression("now()");
        table.Indexes.Add(new IndexDefinition("ix_privacy_erasures_xact") { Columns = ["xact"] });
        return table;
    }

    /// <summary>The statement an erasure queues in its transaction (one parameter: the customer id).</summary>
    public static string RecordSql(string schema) => $"insert into {schema}.{TableName} (customer_id) values (?)";

    /// <summary>
    /// The oldest transaction still running now (or the next to start): read before a valuation's first page, every
    /// erasure of a transaction numbered below it is in what the valuation reads.
    /// </summary>
    public static async Task<long> HorizonAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "select pg_snapshot_xmin(pg_current_snapshot())::text::bigint";
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The customers erased by transactions numbered from <paramref name="horizon"/> on: an index range, a handful of rows.</summary>
    public static async Task<List<string>> ErasedSinceAsync(NpgsqlConnection connection, string schema, long horizon, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"select distinct customer_id from {schema}.{TableName} where xact >= (@horizon)::text::xid8";
        command.Parameters.AddWithValue("horizon", horizon);
        var erased = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) erased.Add(reader.GetString(0));
        return erased;
    }
}
