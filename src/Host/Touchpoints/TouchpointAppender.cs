using EventCrm.Host.Infrastructure;
using EventCrm.Host.Sharding;
using EventCrm.Projections.Customers;
using EventCrm.Relationship.Ingestion;
using Npgsql;

namespace EventCrm.Host.Touchpoints;

/// <summary>
/// The one path by which touchpoints enter the store, whoever sends them. A batch is decided
/// against what the store holds, with the customers' streams locked, then written in that
/// transaction: a writer that started a stream or recorded a touchpoint id first makes the
/// transaction fail as a whole, and the batch is decided again against the new state, so no
/// touchpoint is lost and none is written twice.
/// </summary>
public sealed partial class TouchpointAppender
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

    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * Math.Min(attempt, 8)));
}
