using EventCrm.Host.Infrastructure;
using EventCrm.Projections.Customers;
using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Touchpoints;
using JasperFx.Events;
using Marten;
using Marten.Events;
using EventCrm.Host.Sharding;
using Npgsql;

namespace EventCrm.Host.Touchpoints;

/// <summary>
/// The one path by which touchpoints enter the store, whoever sends them. A batch is decided
/// against what the store holds, with the customers' streams locked, then written in that
/// transaction: a writer that started a stream or recorded a touchpoint id first makes the
/// transaction fail as a whole, and the batch is decided again against the new state, so no
/// touchpoint is lost and none is written twice.
/// </summary>
public sealed class TouchpointAppender
{
    private const int MaxAttempts = 12;

    /// <summary>Lost races after which requests sharing a transaction are tried one by one (<see cref="OneByOneAsync"/>).</summary>
    private const int TogetherAttempts = 3;

    /// <summary>How long a batch appended after another holds its written rows for that one to commit (<see cref="AppendAfterAsync"/>).</summary>
    private static readonly TimeSpan CommitAfterPatience = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Requests up to this many touchpoints share transactions with the other small ones arriving
    /// at the same time, larger ones with the other large ones (<see cref="AppendCombiner"/>), so
    /// that a single post never waits for a transaction of thousands of touchpoints.
    /// </summary>
    public const int SmallUpTo = 20;
    private const int SmallPerTransaction = 500, LargePerTransaction = 2_000;

    private readonly CustomerDatabases _databases;
    private readonly StreamRows _rows;
    private readonly TouchpointClaims _claims;
    private readonly ILogger<TouchpointAppender> _logger;
    private readonly AppendCombiner _small, _large;

    /// <summary>Touchpoints of HTTP requests that may wait for a writer, of each size, by default: about 50 MB of requests held in memory.</summary>
    public const int DefaultMaxWaiting = 20_000;

    public static int MaxWaitingOf(IConfiguration configuration)
    {
        var maxWaiting = configuration.GetValue("Touchpoints:MaxWaiting", DefaultMaxWaiting);
        return maxWaiting >= 1 ? maxWaiting : throw new SettingRefusedException($"Touchpoints:MaxWaiting must be at least 1; it is {maxWaiting}.");
    }

    public TouchpointAppender(CustomerDatabases databases, StreamRows rows, TouchpointClaims claims, IConfiguration configuration,
        ILogger<TouchpointAppender> logger)
    {
        (_databases, _rows, _claims, _logger) = (databases, rows, claims, logger);
        var maxWaiting = MaxWaitingOf(configuration);
        (_small, _large) = (new AppendCombiner(AppendTogetherAsync, SmallPerTransaction, maxWaiting, logger),
            new AppendCombiner(AppendTogetherAsync, LargePerTransaction, maxWaiting, logger));
    }

    /// <summary>One database's share of the requests: the connection of its open transaction and what it holds.</summary>
    private sealed class Part(string tenantId, NpgsqlConnection connection) : IAsyncDisposable
    {
        public string TenantId { get; } = tenantId;
        public NpgsqlConnection Connection { get; } = connection;
        public LockedStreams Locked { get; set; } = LockedStreams.None;

        /// <summary>An uncommitted transaction is rolled back as the connection goes back to the pool.</summary>
        public ValueTask DisposeAsync() => Connection.DisposeAsync();
    }

    /// <summary>
    /// Appends a batch all-or-nothing, in a transaction it shares with the other requests of its
    /// size arriving at the same time (each decided in turn and answered on its own): that spares a
    /// commit per request, and concurrent requests for the same customers no longer wait for each
    /// other's stream locks one transaction at a time.
    /// </summary>
    public Task<AppendOutcome> AppendAsync(IReadOnlyList<IncomingTouchpoint> batch, AppendContext context, CancellationToken ct) =>
        (batch.Count <= SmallUpTo ? _small : _large).AppendAsync(new AppendRequest(batch, context), ct);

    /// <summary>
    /// Appends a batch all-or-nothing in a transaction of its own that commits only once
    /// <paramref name="commitAfter"/> answers true: a caller appending batches in order can have
    /// the next one decided and written while the one before commits, in two backends. When it
    /// answers false nothing is kept (<see cref="AppendOutcome.Withdrawn"/>). The batch before
    /// must not share customers with this one: their streams are not written yet when this one is
    /// decided. Stream locks are never held while waiting for it (another writer could be waiting
    /// on them while it waits on that writer, a cycle the database cannot see), and written rows
    /// only for a while (<see cref="CommitAfterPatience"/>).
    /// </summary>
    public async Task<AppendOutcome> AppendAfterAsync(IReadOnlyList<IncomingTouchpoint> batch, AppendContext context, Task<bool>? commitAfter,
        CancellationToken ct) =>
        (await AppendTogetherAsync([new AppendRequest(batch, context)], commitAfter, ct))[0];

    /// <summary>
    /// Appends requests in one transaction per database; each is decided in turn (against what the
    /// ones before it append) and answered on its own. With customers
    /// spread over several databases, everything is decided in each of them first, then committed
    /// database by database, always in the same order so that two writers cannot deadlock on
    /// stream locks. Only a crash between two commits can leave part of a request written;
    /// touchpoints being idempotent, sending it again completes it (docs/scaling.md).
    /// </summary>
    private Task<AppendOutcome[]> AppendTogetherAsync(IReadOnlyList<AppendRequest> requests, CancellationToken ct) =>
        AppendTogetherAsync(requests, commitAfter: null, ct);

    private async Task<AppendOutcome[]> AppendTogetherAsync(IReadOnlyList<AppendRequest> requests, Task<bool>? commitAfter, CancellationToken ct)
    {
        if (!_databases.Sharded) return await AppendTogetherAsync(requests, new Dictionary<string, StoredTouchpoint>(), commitAfter, ct);
        var items = requests.SelectMany(r => r.Batch).ToList();
        var claimed = await _claims.ClaimAsync(items, ct);
        try
        {
            return await AppendTogetherAsync(requests, claimed, commitAfter, ct);
        }
        finally
        {
            await _claims.ReleaseAsync(items);
        }
    }

    /// <param name="claimed">With customers over several databases, the touchpoint ids another customer's writer holds (<see cref="TouchpointClaims"/>).</param>
    /// <param name="commitAfter">When given, the rows are written and committed only once it answers true; it answering false rolls them back.</param>
    private async Task<AppendOutcome[]> AppendTogetherAsync(IReadOnlyList<AppendRequest> requests, IReadOnlyDictionary<string, StoredTouchpoint> claimed,
        Task<bool>? commitAfter, CancellationToken ct)
    {
        var committed = requests.Select(_ => new HashSet<int>()).ToArray();
        var all = requests.SelectMany(r => r.Batch).ToList();
        // Derived once per call: each derivation is a SHA-1 through the platform's crypto library.
        // The requests to cancel that churns name are looked up with the touchpoints, in the same locked read.
        var eventIds = all.SelectMany(t => IngestionDecision.IdsToLookUp(t.Touchpoint)).Distinct().ToDictionary(id => id, TouchpointEventIds.For);
        for (var attempt = 1; ; attempt++)
        {
            var parts = new List<Part>();
            var writes = new List<(Part Part, NpgsqlBatch Batch)>();
            var oneByOne = false;
            var heldElsewhere = false;
            try
            {
                await LockAsync(all, eventIds, parts, boundedWait: commitAfter is null, ct);
                // Waiting for the batch before while holding stream locks could close a cycle with
                // another writer, through a wait the database cannot see: then wait unlocked, and lock again.
                if (commitAfter is { IsCompleted: false } && parts.Any(p => p.Locked.HoldsStreams))
                {
                    await DisposeAllAsync(parts);
                    if (!await commitAfter) return Withdrawn(requests);
                    await LockAsync(all, eventIds, parts, boundedWait: false, ct);
                }

                var (outcomes, accepted) = await DecideAsync(requests, parts, committed, claimed, ct);
                foreach (var part in parts)
                {
                    var appends = accepted.Where(a => _databases.TenantOf(a.Append.CustomerId) == part.TenantId).ToList();
                    if (appends.Count > 0) writes.Add((part, _rows.Write(part.Connection, part.TenantId, appends, part.Locked, eventIds, commit: commitAfter is null)));
                }
                if (commitAfter is not null)
                {
                    foreach (var (_, batch) in writes) await batch.ExecuteNonQueryAsync(ct);
                    var turn = await AwaitTurnAsync(commitAfter, parts, ct);
                    if (turn == Turn.Withdraw) return Withdrawn(requests);
                    if (turn == Turn.StartOver) continue;
                }
                foreach (var (part, batch) in writes)
                {
                    if (commitAfter is null) await batch.ExecuteNonQueryAsync(ct);
                    else await StreamRows.CommitAsync(part.Connection, ct);
                    for (var i = 0; i < requests.Count; i++)
                        committed[i].UnionWith(outcomes[i].Receipts
                            .Where(r => r.Result == TouchpointResult.Appended && _databases.TenantOf(r.CustomerId) == part.TenantId).Select(r => r.Index));
                }
                return outcomes;
            }
            catch (Exception e) when (StreamLocks.TimedOut(e) && requests.Count > 1 && committed.All(c => c.Count == 0))
            {
                // A customer held locked elsewhere: the others go on without it (WithoutHeldAsync).
                _logger.LogDebug("A customer's stream stayed locked by another transaction: deciding the requests sharing it again without it");
                heldElsewhere = true;
            }
            catch (Exception e) when (StreamLocks.TimedOut(e))
            {
                // Alone (or, sharded, with part of the requests committed by an earlier attempt): nothing
                // else waits on this request; it is answered busy, to be sent again.
                var outcomes = new AppendOutcome[requests.Count];
                for (var i = 0; i < requests.Count; i++)
                    outcomes[i] = new AppendOutcome(CommittedBefore(requests[i].Batch, committed[i]), [], Busy: await HeldOf(requests[i].Batch, ct));
                _logger.LogInformation("The stream of {Customers} stayed locked by another transaction for {Wait}: answered busy",
                    string.Join(", ", outcomes.SelectMany(o => o.Busy!).Distinct().Take(10)), StreamLocks.SharedWait);
                return outcomes;
            }
            catch (Exception e) when (LostRaces.Are(e) && requests.Count > 1 && attempt >= TogetherAttempts && committed.All(c => c.Count == 0))
            {
                // Not from here: this attempt's transaction still holds its stream locks until disposed below.
                oneByOne = true;
            }
            catch (Exception e) when (LostRaces.Are(e) && attempt < MaxAttempts)
            {
                _logger.LogDebug("Concurrent write on the same customers, deciding again (attempt {Attempt})", attempt);
                await Task.Delay(Backoff(attempt), ct);
            }
            catch (Exception e) when (LostRaces.Are(e))
            {
                _logger.LogWarning("Gave up after {Attempts} attempts of concurrent writes", attempt);
                return requests.Select((r, i) => new AppendOutcome(CommittedBefore(r.Batch, committed[i]), [], TooMuchContention: true)).ToArray();
            }
            finally
            {
                foreach (var (_, batch) in writes) await batch.DisposeAsync();
                await DisposeAllAsync(parts);
            }
            if (heldElsewhere) return await WithoutHeldAsync(requests, claimed, commitAfter, ct);
            if (oneByOne)
            {
                _logger.LogDebug("Requests sharing a transaction keep losing races: trying them one by one");
                return await OneByOneAsync(requests, claimed, commitAfter, ct);
            }
        }
    }

    /// <summary>
    /// Begins a transaction in each database the touchpoints live in, in database order, and locks their customers' streams there;
    /// with <paramref name="boundedWait"/>, waiting for them at most <see cref="StreamLocks.SharedWait"/>.
    /// </summary>
    private async Task LockAsync(List<IncomingTouchpoint> touchpoints, IReadOnlyDictionary<string, Guid> eventIds, List<Part> parts, bool boundedWait,
        CancellationToken ct)
    {
        foreach (var items in touchpoints.GroupBy(t => _databases.TenantOf(t.CustomerId)).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var connection = (await _databases.DatabaseIn(items.Key)).CreateConnection();
            parts.Add(new Part(items.Key, connection));
            await connection.OpenAsync(ct);
            parts[^1].Locked = await _rows.BeginAndLockAsync(connection,
                items.SelectMany(i => IngestionDecision.IdsToLookUp(i.Touchpoint)).Select(id => eventIds[id]).Distinct().ToArray(),
                items.Select(i => i.CustomerId).Distinct().ToArray(), boundedWait, ct);
        }
    }

    /// <summary>
    /// Of the batch's customers, the ones whose stream another transaction holds locked now, which a
    /// busy answer names; all of them if it let go meanwhile. Only after a lock wait timed out.
    /// </summary>
    private async Task<List<string>> HeldOf(IReadOnlyList<IncomingTouchpoint> batch, CancellationToken ct) =>
        await HeldNowAsync(batch, ct) is { Count: > 0 } held ? held : batch.Select(t => t.CustomerId).Distinct().ToList();

    /// <summary>Of these touchpoints' customers, the ones whose stream another transaction holds locked now.</summary>
    private async Task<List<string>> HeldNowAsync(IEnumerable<IncomingTouchpoint> touchpoints, CancellationToken ct)
    {
        var held = new List<string>();
        foreach (var items in touchpoints.GroupBy(t => _databases.TenantOf(t.CustomerId)))
        {
            await using var connection = (await _databases.DatabaseIn(items.Key)).CreateConnection();
            await connection.OpenAsync(ct);
            held.AddRange(await _rows.HeldElsewhereAsync(connection, items.Select(i => i.CustomerId).Distinct().ToArray(), ct));
        }
        return held;
    }

    /// <summary>
    /// After a shared transaction waited in vain for a stream lock: the requests touching a customer
    /// held now are answered busy, having waited for it as long as the bound; the others are decided
    /// again together, without them. Not waiting again for a customer just found held is what keeps a
    /// writer from losing twice the bound to each request for it. With none held any more (let go
    /// meanwhile), one by one, each waiting for its own customers only (<see cref="OneByOneAsync"/>).
    /// The probe also sees the rows the other writer holds at that instant: a request for such a
    /// customer in this transaction is answered busy too, rarely, and lands when sent again.
    /// </summary>
    private async Task<AppendOutcome[]> WithoutHeldAsync(IReadOnlyList<AppendRequest> requests, IReadOnlyDictionary<string, StoredTouchpoint> claimed,
        Task<bool>? commitAfter, CancellationToken ct)
    {
        var held = (await HeldNowAsync(requests.SelectMany(r => r.Batch), ct)).ToHashSet(StringComparer.Ordinal);
        var touching = requests.Select(r => r.Batch.Any(t => held.Contains(t.CustomerId))).ToArray();
        if (held.Count == 0) return await OneByOneAsync(requests, claimed, commitAfter, ct);
        _logger.LogInformation("The stream of {Customers} stayed locked by another transaction for {Wait}: its requests answered busy, the others decided again",
            string.Join(", ", held.Order(StringComparer.Ordinal).Take(10)), StreamLocks.SharedWait);

        var outcomes = requests.Select((r, i) => touching[i]
            ? new AppendOutcome([], [], Busy: r.Batch.Select(t => t.CustomerId).Distinct().Where(held.Contains).ToList())
            : null).ToArray();
        var free = Enumerable.Range(0, requests.Count).Where(i => !touching[i]).ToList();
        if (free.Count > 0)
        {
            var freeOutcomes = await AppendTogetherAsync(free.Select(i => requests[i]).ToList(), claimed, commitAfter, ct);
            for (var k = 0; k < free.Count; k++) outcomes[free[k]] = freeOutcomes[k];
        }
        return outcomes!;
    }

    private enum Turn { Commit, Withdraw, StartOver }

    /// <summary>
    /// Waits, its rows written, for the batch before to commit. Past <see cref="CommitAfterPatience"/>
    /// it lets go of them (another writer may be waiting on these rows while that batch waits on
    /// it) and starts over once the batch before is done.
    /// </summary>
    private static async Task<Turn> AwaitTurnAsync(Task<bool> commitAfter, List<Part> parts, CancellationToken ct)
    {
        if (commitAfter.IsCompleted || await Task.WhenAny(commitAfter, Task.Delay(CommitAfterPatience, ct)) == commitAfter)
            return await commitAfter ? Turn.Commit : Turn.Withdraw;
        await DisposeAllAsync(parts);
        return await commitAfter ? Turn.StartOver : Turn.Withdraw;
    }

    private static async Task DisposeAllAsync(List<Part> parts)
    {
        foreach (var part in parts) await part.DisposeAsync();
        parts.Clear();
    }

    private static AppendOutcome[] Withdrawn(IReadOnlyList<AppendRequest> requests) => requests.Select(_ => AppendOutcome.WithdrawnOutcome).ToArray();

    /// <summary>
    /// Decides the requests in turn against what the locked parts hold (each also against what the
    /// ones before it append). Touchpoints committed by an earlier attempt of the same call were
    /// appended by it, not repeated.
    /// </summary>
    private async Task<(AppendOutcome[] Outcomes, List<(StreamAppend Append, AppendContext Context)> Accepted)> DecideAsync(
        IReadOnlyList<AppendRequest> requests, List<Part> parts, HashSet<int>[] committed, IReadOnlyDictionary<string, StoredTouchpoint> claimed,
        CancellationToken ct)
    {
        var stored = parts.Any(p => p.Locked.Recorded.Count > 0) || _databases.Sharded
            ? await StoredTouchpoints(EventIds(requests.SelectMany(r => r.Batch)), parts.Where(p => p.Locked.Recorded.Count > 0).Select(p => p.TenantId).ToHashSet(), ct)
            : [];
        // Claimed for another customer and not recorded yet: about to be, by a writer in another database.
        foreach (var (id, holder) in claimed) stored.TryAdd(id, holder);
        var standings = parts.SelectMany(p => p.Locked.Profiles.Values).ToDictionary(p => p.Id, p => p.Standing());
        var plans = DecisionsInTurn.Decide(requests.Select(r => r.Batch).ToList(), stored, standings);
        var outcomes = new AppendOutcome[requests.Count];
        var accepted = new List<(StreamAppend, AppendContext)>();
        for (var i = 0; i < requests.Count; i++)
        {
            var plan = plans[i];
            if (!plan.Accepted)
            {
                outcomes[i] = new AppendOutcome(CommittedBefore(requests[i].Batch, committed[i]), plan.Rejections);
                continue;
            }
            var done = committed[i];
            outcomes[i] = Receipts(requests[i].Batch, plan) is var receipts && done.Count > 0
                ? receipts with { Receipts = receipts.Receipts.Select(r => done.Contains(r.Index) ? r with { Result = TouchpointResult.Appended } : r).ToList() }
                : receipts;
            accepted.AddRange(plan.Appends.Select(a => (a, requests[i].Context)));
        }
        return (outcomes, accepted);
    }

    /// <summary>
    /// What an earlier attempt of the same call committed in one database before another database's
    /// write lost a race (sharded only): written, even when the request is refused now.
    /// </summary>
    private static List<TouchpointReceipt> CommittedBefore(IReadOnlyList<IncomingTouchpoint> batch, HashSet<int> committed) =>
        batch.Where(i => committed.Contains(i.Index))
            .Select(i => new TouchpointReceipt(i.Index, i.Touchpoint.TouchpointId, i.CustomerId, TouchpointResult.Appended)).ToList();

    /// <summary>The event ids of the touchpoints and of what they name that the decision looks up (<see cref="IngestionDecision.IdsToLookUp"/>).</summary>
    private static Guid[] EventIds(IEnumerable<IncomingTouchpoint> items) =>
        items.SelectMany(i => IngestionDecision.IdsToLookUp(i.Touchpoint)).Distinct().Select(TouchpointEventIds.For).ToArray();

    /// <summary>
    /// Decides the batch and stages its events in a session someone else commits, such as a
    /// Wolverine handler's, so the events and the handler's outgoing messages commit together
    /// (Marten's own append, with the inline profile projection). The customers' streams are locked
    /// in the session's transaction first, so the profiles read here and by Marten's projection are
    /// the latest. A lost race (a stream started by another writer meanwhile) surfaces as the
    /// commit's exception, for the caller's retry policy.
    /// </summary>
    public async Task<AppendOutcome> StageAsync(IDocumentSession session, IReadOnlyList<IncomingTouchpoint> batch, CancellationToken ct)
    {
        var customerIds = batch.Select(i => i.CustomerId).Distinct().ToArray();
        await StreamLocks.TakeAsync(session, customerIds, ct);
        var stored = await StoredTouchpoints(EventIds(batch), new HashSet<string> { session.TenantId }, ct);
        var standings = (await session.LoadManyAsync<CustomerProfile>(ct, customerIds)).ToDictionary(p => p.Id, p => p.Standing());
        var plan = IngestionDecision.Decide(batch, stored, standings);
        if (!plan.Accepted) return new AppendOutcome([], plan.Rejections);
        foreach (var append in plan.Appends)
        {
            var events = append.Touchpoints.Select(_rows.ToEvent).ToArray();
            if (append.StartsStream) session.Events.StartStream(append.CustomerId, events);
            else session.Events.Append(append.CustomerId, append.Before!.Version + events.Length, events);
        }
        return Receipts(batch, plan);
    }

    /// <summary>
    /// The touchpoints already recorded under these event ids, in the databases known to hold some
    /// and, when sharded, in every database: a touchpoint id names one touchpoint of one customer
    /// wherever that customer lives.
    /// </summary>
    private async Task<Dictionary<string, StoredTouchpoint>> StoredTouchpoints(Guid[] ids, IReadOnlySet<string> holding, CancellationToken ct)
    {
        var events = new List<IEvent>();
        foreach (var tenant in _databases.TenantIds.Where(t => holding.Contains(t) || _databases.Sharded))
        {
            await using var session = _databases.QueryIn(tenant);
            events.AddRange(await session.Events.QueryAllRawEvents().Where(e => e.Id.IsOneOf(ids)).ToListAsync(ct));
        }
        return events
            .Where(e => e.Data is ITouchpoint)
            .ToDictionary(e => ((ITouchpoint)e.Data).TouchpointId, e => new StoredTouchpoint(e.StreamKey!, (ITouchpoint)e.Data));
    }

    private static AppendOutcome Receipts(IReadOnlyList<IncomingTouchpoint> batch, IngestionPlan plan)
    {
        var repeats = plan.Repeats.Select(r => r.Index).ToHashSet();
        var receipts = batch.Select(i => new TouchpointReceipt(i.Index, i.Touchpoint.TouchpointId, i.CustomerId,
            repeats.Contains(i.Index) ? TouchpointResult.Repeated : TouchpointResult.Appended)).ToList();
        return new AppendOutcome(receipts, []);
    }

    /// <summary>
    /// A race lost again and again is most likely one request's (a stream no profile knows of, which
    /// every attempt tries to create again), and a stream lock not had in time is one customer's,
    /// held elsewhere: alone, that request no longer costs the others their answers.
    /// </summary>
    private async Task<AppendOutcome[]> OneByOneAsync(IReadOnlyList<AppendRequest> requests, IReadOnlyDictionary<string, StoredTouchpoint> claimed,
        Task<bool>? commitAfter, CancellationToken ct)
    {
        var outcomes = new AppendOutcome[requests.Count];
        // A customer found held alone is not waited for again by every other request touching it.
        var held = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < requests.Count; i++)
        {
            var customers = requests[i].Batch.Select(t => t.CustomerId).Distinct().ToList();
            outcomes[i] = customers.Any(held.Contains)
                ? new AppendOutcome([], [], Busy: customers.Where(held.Contains).ToList())
                : (await AppendTogetherAsync([requests[i]], claimed, commitAfter, ct))[0];
            if (outcomes[i].Busy is [var one]) held.Add(one);
        }
        return outcomes;
    }

    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * Math.Min(attempt, 8)));
}
