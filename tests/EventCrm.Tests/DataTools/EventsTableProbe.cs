using Npgsql;

namespace EventCrm.Tests.DataTools;

/// <summary>What PostgreSQL records about a schema's events table: its analyses, pages and the planner's statistics.</summary>
public sealed class EventsTableProbe(string schema)
{
    /// <summary>The columns the daemon's pages and the stream and touchpoint reads are planned with, as pg_stats lists them.</summary>
    public const string AllPlannedColumns = "id,seq_id,stream_id,version";

    public async Task<long> ManualAnalyses() => (long)(await Sql(
        "select analyze_count from pg_stat_user_tables where schemaname = @s and relname = 'mt_events'"))!;

    /// <summary>Of <see cref="AllPlannedColumns"/>, those pg_stats holds (null for none).</summary>
    public async Task<string?> PlannedColumns() => await Sql(
        "select string_agg(attname::text, ',' order by attname) from pg_stats where schemaname = @s and tablename = 'mt_events' " +
        "and attname in ('seq_id', 'id', 'stream_id', 'version')") as string;

    /// <summary>The table's pages now, including those of rows not committed yet.</summary>
    public async Task<long> Pages() => (long)(await Sql(
        "select pg_relation_size(c.oid) / 8192 from pg_class c join pg_namespace n on n.oid = c.relnamespace " +
        "where n.nspname = @s and c.relname = 'mt_events'"))!;

    /// <summary>The pages the last analysis recorded.</summary>
    public async Task<int> AnalyzedPages() => (int)(await Sql(
        "select c.relpages from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = @s and c.relname = 'mt_events'"))!;

    /// <summary>"pages now, pages and rows at the last analysis", for a failure's message.</summary>
    public async Task<string> Sizes() => (string)(await Sql(
        "select concat_ws(', ', pg_relation_size(c.oid) / 8192, c.relpages, c.reltuples) from pg_class c " +
        "join pg_namespace n on n.oid = c.relnamespace where n.nspname = @s and c.relname = 'mt_events'"))!;

    /// <summary>One statement's first value; <c>@s</c> is the schema.</summary>
    public async Task<object?> Sql(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("s", schema);
        return await command.ExecuteScalarAsync();
    }

    public static async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        return connection;
    }
}
