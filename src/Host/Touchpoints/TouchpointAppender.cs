using EventCrm.Projections.Customers;
using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Touchpoints;
using JasperFx;
using JasperFx.Events;
using Marten;
using Marten.Events;
using Marten.Exceptions;
using EventCrm.Host.Sharding;
using Npgsql;

namespace EventCrm.Host.Touchpoints;

/// <summary>Who appends, and the chain of requests the append belongs to: kept on every event for audits.</summary>
public sealed record AppendContext(string AppendedBy, string CorrelationId, string? CausationId = null)
{
    public const string AppendedByHeader = "appended-by";
    public static AppendContext System(string reason) => new("system", $"{reason}-{Guid.NewGuid():N}");
}

/// <summary>
/// The one path by which touchpoints enter the store, whoever sends them. A batch is decided
/// against what the store holds, with the customers' streams locked, then written in that
/// transaction: a writer that started a stream or recorded a touchpoint id first makes the
/// transaction fail as a whole, and the batch is decided again against the new state, so no
/// touchpoint is lost and none is written twice.
/// </summary>
public sealed class TouchpointAppender(CustomerDatabases databases, StreamRows rows, ILogger<TouchpointAppender> logger)
{
    private const int MaxAttempts = 12;

    /// <summary>One database's part of a batch: its open transaction, what it holds and what was decided for it.</summary>
    private sealed class Part(string tenantId, NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public string TenantId { get; } = tenantId;
        public NpgsqlConnection Connection { get; } = connection;
        public NpgsqlTransaction Transaction { get; } = transaction;
        public IReadOnlyDictionary<string, CustomerProfile> Profiles { get; set; } = new Dictionary<string, CustomerProfile>();
        public IngestionPlan Plan { get; set; } = new([], [], []);
        public AppendOutcome Outcome { get; set; } = new([], []);

        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }

    /// <summary>
    /// With customers spread over several databases, a batch is decided in each of them first
    /// (any refusal refuses the whole batch, nothing written), then committed database by
    /// database, always in the same order so that two batches cannot deadlock on stream locks.
    /// Only a crash between two commits can leave part of a batch written; touchpoints being
    /// idempotent, sending the batch again completes it (docs/scaling.md).
    /// </summary>
    public async Task<AppendOutcome> AppendAsync(IReadOnlyList<IncomingTouchpoint> batch, AppendContext context, CancellationToken ct)
    {
        var committed = new HashSet<int>();
        for (var attempt = 1; ; attempt++)
        {
            var parts = new List<Part>();
            try
            {
                foreach (var items in batch.GroupBy(t => databases.TenantOf(t.CustomerId)).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    var connection = (await databases.DatabaseIn(items.Key)).CreateConnection();
                    await connection.OpenAsync(ct);
                    parts.Add(new Part(items.Key, connection, await connection.BeginTransactionAsync(ct)));
                    await DecideAsync(parts[^1], items.ToList(), ct);
                }
                var outcome = Combined(parts.Select(p => p.Outcome), committed);
                if (!outcome.Accepted || outcome.Appended == 0) return outcome;
                foreach (var part in parts.Where(p => p.Outcome.Appended > 0))
                {
                    await rows.WriteAsync(part.Connection, part.TenantId, context, part.Plan.Appends, part.Profiles, ct);
                    await part.Transaction.CommitAsync(ct);
                    committed.UnionWith(part.Outcome.Receipts.Where(r => r.Result == TouchpointResult.Appended).Select(r => r.Index));
                }
                return outcome;
            }
            catch (Exception e) when (IsLostRace(e) && attempt < MaxAttempts)
            {
                logger.LogDebug("Concurrent write on the same customers, deciding again (attempt {Attempt})", attempt);
                await Task.Delay(Backoff(attempt), ct);
            }
            catch (Exception e) when (IsLostRace(e))
            {
                logger.LogWarning("Gave up after {Attempts} attempts of concurrent writes", attempt);
                return new AppendOutcome([], [], TooMuchContention: true);
            }
            finally
            {
                foreach (var part in parts) await part.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Locks the part's existing streams for the rest of the transaction and decides against them.
    /// Large batches from several clients overlap on some customers almost always; without the
    /// lock they would fail each other's version checks over and over. Streams that do not exist
    /// yet cannot be locked: two batches starting the same customer still race, and the loser
    /// decides again.
    /// </summary>
    private async Task DecideAsync(Part part, List<IncomingTouchpoint> items, CancellationToken ct)
    {
        var eventIds = items.Select(i => TouchpointEventIds.For(i.Touchpoint.TouchpointId)).Distinct().ToArray();
        var (recorded, profiles) = await rows.LockAsync(part.Connection, eventIds, items.Select(i => i.CustomerId).Distinct().ToArray(), ct);
        var stored = recorded.Count > 0 || databases.Sharded
            ? await StoredTouchpoints(part.TenantId, eventIds, includeOwn: recorded.Count > 0, ct)
            : [];
        part.Profiles = profiles;
        part.Plan = IngestionDecision.Decide(items, stored, profiles.ToDictionary(p => p.Key, p => StandingOf(p.Value)));
        part.Outcome = part.Plan.Accepted ? Receipts(items, part.Plan) : new AppendOutcome([], part.Plan.Rejections);
    }

    /// <summary>The parts' answers as one; touchpoints committed by an earlier attempt of the same call were appended by it, not repeated.</summary>
    private static AppendOutcome Combined(IEnumerable<AppendOutcome> parts, IReadOnlySet<int> committed)
    {
        var all = parts.ToList();
        var receipts = all.SelectMany(p => p.Receipts)
            .Select(r => committed.Contains(r.Index) ? r with { Result = TouchpointResult.Appended } : r)
            .OrderBy(r => r.Index).ToList();
        var rejections = all.SelectMany(p => p.Rejections).OrderBy(r => r.Index).ToList();
        return rejections.Count > 0 ? new AppendOutcome([], rejections) : new AppendOutcome(receipts, []);
    }

    /// <summary>
    /// Decides the batch and stages its events in a session someone else commits, such as a
    /// Wolverine handler's, so the events and the handler's outgoing messages commit together
    /// (Marten's own append, with the inline profile projection). A lost race then surfaces as
    /// the commit's exception, for the caller's retry policy.
    /// </summary>
    public async Task<AppendOutcome> StageAsync(IDocumentSession session, IReadOnlyList<IncomingTouchpoint> batch, CancellationToken ct)
    {
        var eventIds = batch.Select(i => TouchpointEventIds.For(i.Touchpoint.TouchpointId)).Distinct().ToArray();
        var stored = await StoredTouchpoints(session.TenantId, eventIds, includeOwn: true, ct);
        var customerIds = batch.Select(i => i.CustomerId).Distinct().ToArray();
        var standings = (await session.LoadManyAsync<CustomerProfile>(ct, customerIds)).ToDictionary(p => p.Id, StandingOf);
        var plan = IngestionDecision.Decide(batch, stored, standings);
        if (!plan.Accepted) return new AppendOutcome([], plan.Rejections);
        foreach (var append in plan.Appends)
        {
            var events = append.Touchpoints.Select(rows.ToEvent).ToArray();
            if (append.StartsStream) session.Events.StartStream(append.CustomerId, events);
            else session.Events.Append(append.CustomerId, append.Before!.Version + events.Length, events);
        }
        return Receipts(batch, plan);
    }

    /// <summary>Another writer got there first; deciding again against the new state is the remedy.</summary>
    public static bool IsLostRace(Exception e) => e is ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException
        or JasperFx.Events.ExistingStreamIdCollisionException
        || e is MartenCommandException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } }
        || e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    private static CustomerStanding StandingOf(CustomerProfile profile) =>
        new(profile.Version, profile.HasSignedUp, profile.OpenOffers.Select(o => o.OfferId).ToHashSet());

    /// <summary>
    /// The touchpoints already recorded under these event ids, in this database when it holds some
    /// and, when sharded, in the others: a touchpoint id names one touchpoint of one customer
    /// wherever that customer lives.
    /// </summary>
    private async Task<Dictionary<string, StoredTouchpoint>> StoredTouchpoints(string tenantId, Guid[] ids, bool includeOwn, CancellationToken ct)
    {
        var events = new List<IEvent>();
        foreach (var tenant in databases.TenantIds.Where(t => t == tenantId ? includeOwn : databases.Sharded))
        {
            await using var session = databases.QueryIn(tenant);
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

    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * Math.Min(attempt, 8)));
}
