using EventCrm.Host.Infrastructure;
using EventCrm.Host.Sharding;
using EventCrm.Host.Touchpoints;
using EventCrm.Projections.Customers;
using Marten;
using Marten.Storage;
using Npgsql;

namespace EventCrm.Host.Rebuilds;

/// <summary>
/// Rebuilds the inline <see cref="CustomerProfile"/> where it stands, under a running service.
/// Appends decide on a customer's profile, so a side build swapped in later would miss what they
/// wrote meanwhile; instead the customers are taken a page at a time, in id order: each page's
/// streams are folded from their first event with the projection's current code, then, in one
/// transaction, locked as every writer does before it reads or writes a profile, the streams
/// appended to since folded again, and the profiles written over the old ones. An append to one of those customers waits for that
/// transaction; reads never wait, and see each customer's old profile or its new one. Profiles
/// no stream stands behind are deleted at the end. A page waits for a customer another transaction
/// holds (an operator's psql, a long import) at most <see cref="StreamLocks.SharedWait"/>, then lets
/// go of the page, rebuilds the customers before the held one, and waits for that one alone, tried
/// again every <see cref="RetryHeldAfter"/> for as long as it is held, saying so in the log and the
/// status: the rebuild cannot skip a customer (its profile would stay as the old code folded it),
/// and a wait that is shown is one a data team can end (docs/projections.md).
/// </summary>
public sealed class InPlaceProfileRebuild(CustomerDatabases databases, StreamRows rows, ProfileFolds folds, IDocumentStore store, ILogger<InPlaceProfileRebuild> logger)
{
    /// <summary>How long a page that found a customer held waits, its locks let go, before it tries again.</summary>
    public static readonly TimeSpan RetryHeldAfter = TimeSpan.FromSeconds(3);

    /// <summary>How often the log is reminded of a wait for a held customer that goes on.</summary>
    public static readonly TimeSpan RemindEvery = TimeSpan.FromMinutes(1);

    /// <summary>A page holds at most this many customers, and their events at most <see cref="EventsPerTransaction"/> (or one customer, however long).</summary>
    public const int CustomersPerTransaction = 500;
    public const long EventsPerTransaction = 50_000;

    private readonly string _streams = $"{store.Options.Events.DatabaseSchemaName}.mt_streams";

    /// <summary>The customers over every database (the service's own streams are not customers').</summary>
    public async Task<long> CountCustomersAsync(CancellationToken ct)
    {
        long count = 0;
        foreach (var tenant in databases.TenantIds) count += await CountCustomersAfterAsync(tenant, "", ct);
        return count;
    }

    /// <summary>The customers of one database whose ids sort after <paramref name="after"/> (all of them after "").</summary>
    private async Task<long> CountCustomersAfterAsync(string tenant, string after, CancellationToken ct)
    {
        await using var connection = (await databases.DatabaseIn(tenant)).CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"select count(*) from {_streams} where id > @after and id not like @system and id <> @tombstone", connection);
        // The same order as the pages (NextPageAsync): the database's own collation.
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("system", SystemStreams.Prefix + "%");
        command.Parameters.AddWithValue("tombstone", SystemStreams.MartenTombstone);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Rebuilds every customer's profile, database after database; <paramref name="rebuilt"/> hears after each page
    /// how many are done and how many there are to rebuild in all: those done and those still ahead of the rebuild,
    /// counted again, so that a customer created meanwhile ahead of it counts (it will be rebuilt) and one created
    /// behind it does not (its first append folded its profile with the current code). The total so never falls
    /// below those done, and ends equal to them.
    /// </summary>
    public async Task RunAsync(Func<long, long, Task> rebuilt, Func<IReadOnlyList<string>, Task> waitingOn, CancellationToken ct)
    {
        long done = 0;
        var tenants = databases.TenantIds.ToList();
        for (var t = 0; t < tenants.Count; t++)
        {
            var database = await databases.DatabaseIn(tenants[t]);
            var after = "";
            while (await RebuildPageWhenFreeAsync(database, tenants[t], after, waitingOn, ct) is { } last)
            {
                (after, done) = (last.Id, done + last.Count);
                var ahead = await CountCustomersAfterAsync(tenants[t], after, ct);
                foreach (var later in tenants.Skip(t + 1)) ahead += await CountCustomersAfterAsync(later, "", ct);
                await rebuilt(done, done + ahead);
            }
            await using var connection = database.CreateConnection();
            await connection.OpenAsync(ct);
            await using var orphans = new NpgsqlBatch(connection) { BatchCommands = { rows.DeleteProfilesWithoutStream() } };
            await orphans.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// The next page (<see cref="RebuildPageAsync"/>), around a customer another transaction holds: the
    /// customers before it first, without waiting again, then that customer alone (holding no other
    /// customer's lock meanwhile, so their writers never wait on the rebuild's wait), tried again
    /// every <see cref="RetryHeldAfter"/> while it is held, each wait in the log and in the status.
    /// </summary>
    private async Task<(string Id, int Count)?> RebuildPageWhenFreeAsync(IMartenDatabase database, string tenant, string after,
        Func<IReadOnlyList<string>, Task> waitingOn, CancellationToken ct)
    {
        DateTimeOffset? since = null, told = null;
        int? take = null;
        while (true)
        {
            try
            {
                var page = await RebuildPageAsync(database, tenant, after, take, ct);
                if (since is not null)
                {
                    logger.LogInformation("Profiles' rebuild goes on: the customer it waited for since {Since:O} is free", since);
                    await waitingOn([]);
                }
                return page;
            }
            catch (CustomerBusyException busy)
            {
                var held = await HeldNowAsync(database, busy.CustomerIds, ct);
                var first = busy.CustomerIds.ToList().FindIndex(held.Contains);
                take = first switch
                {
                    > 0 => first,    // the customers before it first: no lock of theirs waits now
                    0 => 1,          // it alone, once more, after a pause
                    _ => null,       // let go meanwhile: the whole page again
                };
                if (first != 0) continue;
                since ??= DateTimeOffset.UtcNow;
                // A line when the wait begins and a reminder a minute, not one a try: the status says it at every moment.
                if (told is null || DateTimeOffset.UtcNow - told >= RemindEvery)
                {
                    told = DateTimeOffset.UtcNow;
                    logger.LogWarning("Profiles' rebuild waits on customer {Customer}: its stream is locked by another transaction (waiting since {Since:O}); " +
                        "tried again every {Retry} s", held[0], since, RetryHeldAfter.TotalSeconds);
                }
                await waitingOn([held[0]]);
                await Task.Delay(RetryHeldAfter, ct);
            }
        }
    }

    private async Task<List<string>> HeldNowAsync(IMartenDatabase database, IReadOnlyList<string> customerIds, CancellationToken ct)
    {
        await using var connection = database.CreateConnection();
        await connection.OpenAsync(ct);
        return await rows.HeldElsewhereAsync(connection, [.. customerIds], ct);
    }

    /// <summary>
    /// Rebuilds the profiles of the next customers after <paramref name="after"/> (at most <paramref name="take"/> of them);
    /// answers the last one's id and how many, or null past the last. The page's streams are read and
    /// folded before they are locked: reading and deserializing tens of thousands of events took 0.6 s
    /// on the demo base, over 2 s in a cold `rebuild` command, and a writer of one of the page's
    /// customers waiting that long under the lock was answered 503 "Customer busy". Under the lock only
    /// the customers appended to since they were read (their stream's version moved) are read again.
    /// </summary>
    private async Task<(string Id, int Count)?> RebuildPageAsync(IMartenDatabase database, string tenant, string after, int? take, CancellationToken ct)
    {
        await using var connection = database.CreateConnection();
        await connection.OpenAsync(ct);
        var page = await NextPageAsync(connection, after, take, ct);
        if (page.Count == 0) return null;
        var folded = await folds.FoldAsync(tenant, page, ct);

        await using var transaction = await connection.BeginTransactionAsync(ct);
        var locked = await LockStreamsAsync(connection, page, ct);
        if (locked.Count == 0) return (page[^1], page.Count);
        // No writer can change these streams until this transaction ends: what is read now is final.
        var moved = locked.Where(s => folded[s.Id].Version != s.Version).Select(s => s.Id).ToList();
        if (moved.Count > 0)
            foreach (var (id, again) in await folds.FoldAsync(tenant, moved, ct)) folded[id] = again;

        var profiles = new List<CustomerProfile>();
        foreach (var (id, version) in locked)
        {
            if (folded[id].Profile is not { } profile) continue;
            profile.Version = version;
            profiles.Add(profile);
        }
        var ids = locked.Select(s => s.Id).ToArray();
        string[] none = [.. ids.Except(profiles.Select(p => p.Id))];

        await using var write = new NpgsqlBatch(connection) { BatchCommands = { rows.WriteProfiles(profiles), rows.DeleteProfiles(none) } };
        await write.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        return (page[^1], page.Count);
    }

    /// <summary>The first customers whose events add up to at most <paramref name="maxEvents"/>, and always the first one, however long its stream.</summary>
    public static List<string> Page(IEnumerable<(string Id, long Events)> next, long maxEvents)
    {
        var (page, events) = (new List<string>(), 0L);
        foreach (var (id, count) in next)
        {
            if (page.Count > 0 && events + count > maxEvents) break;
            page.Add(id);
            events += count;
        }
        return page;
    }

    /// <summary>
    /// The next customers after <paramref name="after"/>, in id order, chosen by their streams' lengths
    /// so that their events fit in memory (at most <paramref name="take"/> of them).
    /// </summary>
    private async Task<List<string>> NextPageAsync(NpgsqlConnection connection, string after, int? take, CancellationToken ct)
    {
        var next = new List<(string Id, long Events)>();
        await using var candidates = new NpgsqlCommand(
            $"select id, version from {_streams} where id > @after and id not like @system and id <> @tombstone order by id limit @customers", connection);
        candidates.Parameters.AddWithValue("after", after);
        candidates.Parameters.AddWithValue("system", SystemStreams.Prefix + "%");
        // Not a customer's (Marten's own), as the count of customers leaves it out: a page never holds more than that count.
        candidates.Parameters.AddWithValue("tombstone", SystemStreams.MartenTombstone);
        candidates.Parameters.AddWithValue("customers", CustomersPerTransaction);
        await using var reader = await candidates.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) next.Add((reader.GetString(0), reader.GetInt64(1)));
        return Page(next, EventsPerTransaction).Take(take ?? int.MaxValue).ToList();
    }

    /// <summary>
    /// Locks the page's streams in id order, as the appenders do (ordered locking cannot deadlock);
    /// answers them with their versions. A customer started meanwhile within the page was written
    /// whole by the current code, and is left out.
    /// </summary>
    private async Task<List<(string Id, long Version)>> LockStreamsAsync(NpgsqlConnection connection, List<string> page, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands = { new NpgsqlBatchCommand(StreamLocks.BoundedWait), rows.LockStreams([.. page]), new NpgsqlBatchCommand(StreamLocks.UnboundedWait) },
        };
        try
        {
            await using var lockedRows = await batch.ExecuteReaderAsync(ct);
            return await StreamLocks.ReadLockedAsync(lockedRows, ct);
        }
        catch (PostgresException e) when (StreamLocks.TimedOut(e))
        {
            throw new CustomerBusyException(page, e);
        }
    }
}
