using Npgsql;

namespace EventCrm.Bench.Infrastructure;

/// <summary>
/// pg_stat_statements, when the server loads it (the bench cluster does): reset before a measured
/// phase, then the statements that took the most server time, so a figure comes with where its
/// time went. Without the module every call is a no-op.
/// </summary>
public sealed class StatementStats(NpgsqlDataSource database)
{
    private bool? _available;

    public async Task<bool> AvailableAsync(CancellationToken ct)
    {
        if (_available is { } known) return known;
        try
        {
            await using var create = database.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            await create.ExecuteNonQueryAsync(ct);
            await using var probe = database.CreateCommand("SELECT count(*) FROM pg_stat_statements");
            await probe.ExecuteScalarAsync(ct);
            _available = true;
        }
        catch (PostgresException)
        {
            _available = false;
        }
        return _available.Value;
    }

    public async Task ResetAsync(CancellationToken ct)
    {
        if (!await AvailableAsync(ct)) return;
        await using var cmd = database.CreateCommand("SELECT pg_stat_statements_reset()");
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The top statements by total execution time since the last reset, as Markdown table rows.</summary>
    public async Task<IReadOnlyList<string>> TopAsync(int count, CancellationToken ct)
    {
        if (!await AvailableAsync(ct)) return ["(pg_stat_statements is not loaded by this server)"];
        await using var cmd = database.CreateCommand($"""
            SELECT calls, round(total_exec_time::numeric, 1), round(mean_exec_time::numeric, 3), rows,
                   regexp_replace(left(query, 2000), '\s+', ' ', 'g'),
                   round((100 * total_exec_time / nullif(sum(total_exec_time) OVER (), 0))::numeric, 1)
            FROM pg_stat_statements
            WHERE query NOT ILIKE '%pg_stat_statements%' AND query NOT ILIKE '%pg_stat_activity%'
              AND query NOT ILIKE '%pg_sleep%' -- the daemon leader lock's keep-alive: idle time, not work
            ORDER BY total_exec_time DESC LIMIT {count}
            """);
        var rows = new List<string> { "| calls | total ms | share | mean ms | rows | statement |", "|---:|---:|---:|---:|---:|---|" };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var query = reader.GetString(4);
            if (query.Length > 220) query = query[..220] + "…";
            rows.Add($"| {reader.GetInt64(0):N0} | {reader.GetDecimal(1):N1} | {(reader.IsDBNull(5) ? 0 : reader.GetDecimal(5))}% | {reader.GetDecimal(2)} | {reader.GetInt64(3):N0} | `{query.Replace("|", "\\|").Replace("`", "'")}` |");
        }
        return rows;
    }
}
