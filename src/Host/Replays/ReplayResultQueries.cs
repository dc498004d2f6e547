using EventCrm.Host.Models;
using EventCrm.Host.Sharding;
using EventCrm.Projections.Customers;
using Marten;
using Npgsql;
using EventCrm.Relationship;
using EventCrm.Relationship.Value;

namespace EventCrm.Host.Replays;

/// <param name="Name">the customer's name as it is now (null for a record without one, "[erased]" after an erasure): the results
/// themselves hold no name (docs/privacy.md), and an auditor reading opaque ids would not know who is who.</param>
public sealed record DiffItem(string CustomerId, decimal Replayed, decimal Against, decimal Difference, [property: Words(typeof(ValueTier))] string ReplayedTier, [property: Words(typeof(ValueTier))] string AgainstTier, bool TierChanged,
    string? Name = null);

public sealed record DiffPage(long Customers, long Changed, long TierChanges, IReadOnlyList<DiffItem> Items);

/// <summary>Reads replay results back: one customer, or the differences with the live values or with another replay, largest first.</summary>
public sealed partial class ReplayResultQueries(IDocumentStore store, CustomerDatabases databases, PortfolioModels models)
{
    /// <summary>The stored valuation and, for replays of before 2026-12-04, history: UTF-8 JSON; or why the formula cannot value the customer.</summary>
    public async Task<(byte[] Valuation, byte[]? History, string? NotComputable)?> CustomerAsync(string replayId, string customerId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select valuation, history, not_computable from {Schema}.{ReplayStorage.TableName} where replay_id = @r and customer_id = @c", connection);
        command.Parameters.AddWithValue("r", replayId);
        command.Parameters.AddWithValue("c", customerId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? (reader.GetFieldValue<byte[]>(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1), reader.IsDBNull(2) ? null : reader.GetString(2))
            : null;
    }

    /// <summary>Against the live values (computed in the same pass) when <paramref name="otherReplayId"/> is null.</summary>
    public async Task<DiffPage> DiffAsync(string replayId, string? otherReplayId, int page, int pageSize, CancellationToken ct)
    {
        var (againstValue, againstTier, join) = otherReplayId is null
            ? ("a.live_value", "a.live_tier", "")
            : ("b.current_value", "b.tier", $"join {Schema}.{ReplayStorage.TableName} b on b.replay_id = @other and b.customer_id = a.customer_id");
        // The totals come from every row, the page after them: a page past the last one still
        // answers the totals, with no items.
        var sql = $"""
            with d as (
                select a.customer_id, a.current_value as replayed, {againstValue} as against, a.tier, {againstTier} as against_tier
                from {Schema}.{ReplayStorage.TableName} a {join}
                where a.replay_id = @r)
            select t.customers, t.changed, t.tier_changes, p.customer_id, p.replayed, p.against, p.tier, p.against_tier
            from (select count(*) as customers, count(*) filter (where replayed <> against) as changed,
                         count(*) filter (where tier <> against_tier) as tier_changes from d) t
            left join lateral (select * from d order by abs(replayed - against) desc, customer_id limit @size offset @offset) p on true
            order by abs(p.replayed - p.against) desc, p.customer_id
            """;
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("r", replayId);
        command.Parameters.AddWithValue("other", otherReplayId ?? "");
        command.Parameters.AddWithValue("size", pageSize);
        command.Parameters.AddWithValue("offset", (page - 1L) * pageSize);
        var items = new List<DiffItem>();
        var (customers, changed, tierChanges) = (0L, 0L, 0L);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            (customers, changed, tierChanges) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            if (reader.IsDBNull(3)) continue;
            var (replayed, against) = (reader.GetDecimal(4), reader.GetDecimal(5));
            var (tier, otherTier) = (reader.GetString(6), reader.GetString(7));
            items.Add(new DiffItem(reader.GetString(3), replayed, against, replayed - against, tier, otherTier, tier != otherTier));
        }
        return new DiffPage(customers, changed, tierChanges, await NamedAsync(items, ct));
    }

    /// <summary>The page's customers with their names, read from their profiles in the databases holding them (one read per database).</summary>
    private async Task<IReadOnlyList<DiffItem>> NamedAsync(List<DiffItem> items, CancellationToken ct)
    {
        var names = new Dictionary<string, string?>();
        foreach (var held in items.GroupBy(item => databases.TenantOf(item.CustomerId)))
        {
            await using var session = databases.QueryIn(held.Key);
            foreach (var profile in await session.LoadManyAsync<CustomerProfile>(ct, held.Select(item => item.CustomerId).ToArray()))
                names[profile.Id] = profile.Name;
        }
        return items.Select(item => item with { Name = names.GetValueOrDefault(item.CustomerId) }).ToList();
    }

    private string Schema => store.Options.DatabaseSchemaName;

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        return connection;
    }
}
