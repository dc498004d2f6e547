using Marten;
using Npgsql;

namespace EventCrm.Host.Replays;

public sealed record DiffItem(string CustomerId, decimal Replayed, decimal Against, decimal Difference, string ReplayedTier, string AgainstTier, bool TierChanged);

public sealed record DiffPage(long Customers, long Changed, long TierChanges, IReadOnlyList<DiffItem> Items);

/// <summary>Reads replay results back: one customer, or the differences with the live values or with another replay, largest first.</summary>
public sealed class ReplayResultQueries(IDocumentStore store)
{
    public async Task<(string Valuation, string History)?> CustomerAsync(string replayId, string customerId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select valuation::text, history::text from {Schema}.{ReplayStorage.TableName} where replay_id = @r and customer_id = @c", connection);
        command.Parameters.AddWithValue("r", replayId);
        command.Parameters.AddWithValue("c", customerId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <summary>Against the live values (computed in the same pass) when <paramref name="otherReplayId"/> is null.</summary>
    public async Task<DiffPage> DiffAsync(string replayId, string? otherReplayId, int page, int pageSize, CancellationToken ct)
    {
        var (againstValue, againstTier, join) = otherReplayId is null
            ? ("a.live_value", "a.live_tier", "")
            : ("b.current_value", "b.tier", $"join {Schema}.{ReplayStorage.TableName} b on b.replay_id = @other and b.customer_id = a.customer_id");
        var sql = $"""
            select a.customer_id, a.current_value, {againstValue}, a.tier, {againstTier},
                   count(*) over (), count(*) filter (where a.current_value <> {againstValue}) over (),
                   count(*) filter (where a.tier <> {againstTier}) over ()
            from {Schema}.{ReplayStorage.TableName} a {join}
            where a.replay_id = @r
            order by abs(a.current_value - {againstValue}) desc, a.customer_id
            limit @size offset @offset
            """;
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("r", replayId);
        command.Parameters.AddWithValue("other", otherReplayId ?? "");
        command.Parameters.AddWithValue("size", pageSize);
        command.Parameters.AddWithValue("offset", (page - 1) * pageSize);
        var items = new List<DiffItem>();
        var (customers, changed, tierChanges) = (0L, 0L, 0L);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (replayed, against) = (reader.GetDecimal(1), reader.GetDecimal(2));
            var (tier, otherTier) = (reader.GetString(3), reader.GetString(4));
            items.Add(new DiffItem(reader.GetString(0), replayed, against, replayed - against, tier, otherTier, tier != otherTier));
            (customers, changed, tierChanges) = (reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7));
        }
        return new DiffPage(customers, changed, tierChanges, items);
    }

    private string Schema => store.Options.DatabaseSchemaName;

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        return connection;
    }
}
