using EventCrm.Projections.Customers;
using EventCrm.Relationship.Ingestion;
using Marten;
using Npgsql;
using EventCrm.Projections.Schema;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace EventCrm.Host.Sharding;

/// <summary>
/// A touchpoint id names one touchpoint of one customer, but with customers over several databases
/// each database's unique index sees only its own events: two writers could record the same id
/// for two customers of two databases at the same instant, each having found it nowhere. So, before
/// deciding, a writer claims its touchpoint ids in the home database; an id that another
/// customer's writer claimed less than <see cref="Lifetime"/> ago is refused as a conflict. Writers
/// of the same customer share a claim, counted: it lasts until the last of them releases it (the
/// events, once written, are the lasting record); a claim left by a writer that crashed expires.
/// </summary>
public sealed class TouchpointClaims(IDocumentStore store, CustomerDatabases databases, ILogger<TouchpointClaims> logger)
{
    public const string TableName = "touchpoint_claims";

    /// <summary>Far longer than an append takes, retries included.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    private readonly string _table = $"{store.Options.DatabaseSchemaName}.{TableName}";

    public static Table Table(string schema)
    {
        var table = new OwnTable(schema, TableName);
        table.AddColumn<Guid>("event_id").AsPrimaryKey();
        table.AddColumn<string>("customer_id").NotNull();
        // The last claim to take or join the row, for diagnosis: a claim is released by its customer's writers, counted in holders.
        table.AddColumn<Guid>("claimed_by").NotNull();
        table.AddColumn<DateTimeOffset>("claimed_at").NotNull();
        table.AddColumn<int>("holders").NotNull().DefaultValueByExpression("1");
        return table;
    }

    /// <summary>
    /// Claims the touchpoint ids for their customers, and returns the ones another customer's writer
    /// holds, each as a touchpoint recorded for that customer (for the decision, a conflict). A claim
    /// of the same customer by another writer is no conflict: the writer joins it, and the two
    /// requests are decided against the store as usual, one appends, the other repeats. Only a
    /// writer whose claim returned releases (<see cref="ReleaseAsync"/>): a claim that failed took nothing.
    /// </summary>
    public async Task<Dictionary<string, StoredTouchpoint>> ClaimAsync(IReadOnlyList<IncomingTouchpoint> items, CancellationToken ct)
    {
        // Claims are taken and released in id order, so writers cannot deadlock on them; a deadlock with anything else is tried again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryClaimAsync(items, ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 3)
            {
                logger.LogDebug("Touchpoint claims deadlocked, claiming again (attempt {Attempt})", attempt);
            }
        }
    }

    /// <summary>The first item of each touchpoint id: what a writer claims, and later releases.</summary>
    private static Dictionary<Guid, IncomingTouchpoint> FirstOfEachId(IReadOnlyList<IncomingTouchpoint> items) =>
        items.DistinctBy(i => i.Touchpoint.TouchpointId).ToDictionary(i => TouchpointEventIds.For(i.Touchpoint.TouchpointId));

    private async Task<Dictionary<string, StoredTouchpoint>> TryClaimAsync(IReadOnlyList<IncomingTouchpoint> items, CancellationToken ct)
    {
        var first = FirstOfEachId(items);
        await using var connection = await OpenHomeAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Command(
            $"insert into {_table} as c (event_id, customer_id, claimed_by, claimed_at, holders) " +
            // In id order, as the release locks them.
            "select u.event_id, u.customer_id, $3, now(), 1 from unnest($1, $2) u(event_id, customer_id) order by u.event_id " +
            "on conflict (event_id) do update set " +
            "holders = case when c.claimed_at < now() - $4 then 1 else c.holders + 1 end, " +
            "customer_id = excluded.customer_id, claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at " +
            "where c.claimed_at < now() - $4 or c.customer_id = excluded.customer_id",
            first.Keys.ToArray(), first.Values.Select(i => i.CustomerId).ToArray(), Guid.NewGuid(), Lifetime));
        batch.BatchCommands.Add(Command($"select event_id, customer_id from {_table} where event_id = any($1)", first.Keys.ToArray()));
        var held = new Dictionary<string, StoredTouchpoint>();
        // The reader starts at the first statement that returns rows: the select.
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var item = first[reader.GetGuid(0)];
            var holder = reader.GetString(1);
            if (holder != item.CustomerId) held[item.Touchpoint.TouchpointId] = new StoredTouchpoint(holder, item.Touchpoint);
        }
        return held;
    }

    /// <summary>
    /// Gives up this writer's share of the claims on its customers' touchpoint ids (a claim goes
    /// when its last writer gives it up), and removes the expired claims nobody is taking over. A
    /// claim not released expires: failing to release fails no append, it is only logged.
    /// </summary>
    public async Task ReleaseAsync(IReadOnlyList<IncomingTouchpoint> items)
    {
        try
        {
            await GiveUpAsync(FirstOfEachId(items));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not release the touchpoint claims of an append; they expire in {Lifetime}", Lifetime);
        }
    }

    private async Task GiveUpAsync(Dictionary<Guid, IncomingTouchpoint> first)
    {
        await using var connection = await OpenHomeAsync(CancellationToken.None);
        await using var batch = new NpgsqlBatch(connection);
        // Claims another customer holds are not this writer's: the customer must match.
        batch.BatchCommands.Add(Command(
            $"update {_table} c set holders = c.holders - 1 from (" +
            $"select t.event_id from {_table} t join unnest($1, $2) u(event_id, customer_id) on t.event_id = u.event_id and t.customer_id = u.customer_id " +
            "order by t.event_id for update of t) mine where c.event_id = mine.event_id",
            first.Keys.ToArray(), first.Values.Select(i => i.CustomerId).ToArray()));
        batch.BatchCommands.Add(Command($"delete from {_table} where event_id = any($1) and holders <= 0", first.Keys.ToArray()));
        batch.BatchCommands.Add(Command(
            $"delete from {_table} where event_id in (select event_id from {_table} where claimed_at < now() - $1 order by event_id for update skip locked)",
            Lifetime));
        await batch.ExecuteNonQueryAsync();
    }

    private async Task<NpgsqlConnection> OpenHomeAsync(CancellationToken ct)
    {
        var connection = (await databases.DatabaseIn(databases.TenantIds[0])).CreateConnection();
        await connection.OpenAsync(ct);
        return connection;
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }
}
