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

/// <summary>
/// The one path by which touchpoints enter the store, whoever sends them. A batch is decided
/// against what the store holds, then written in one transaction that checks every stream's
/// version: a concurrent writer makes the transaction fail as a whole, and the batch is decided
/// again against the new state, so no touchpoint is lost and none is written twice.
/// </summary>
/// <summary>Who appends, and the chain of requests the append belongs to: kept on every event for audits.</summary>
public sealed record AppendContext(string AppendedBy, string CorrelationId, string? CausationId = null)
{
    public const string AppendedByHeader = "appended-by";
    public static AppendContext System(string reason) => new("system", $"{reason}-{Guid.NewGuid():N}");
}

public sealed class TouchpointAppender(IDocumentStore store, CustomerDatabases databases, NewStreamCopy copy, ILogger<TouchpointAppender> logger)
{
    private const int MaxAttempts = 12;
    private readonly EventGraph _events = (EventGraph)((StoreOptions)store.Options).Events;

    /// <summary>
    /// With customers spread over several databases, a batch is decided in each of them first
    /// (any refusal refuses the whole batch, nothing written), then committed database by
    /// database, always in the same order so that two batches cannot deadlock on stream locks.
    /// Only a crash between two commits can leave part of a batch written; touchpoints being
    /// idempotent, sending the batch again completes it (docs/scaling.md).
    /// </summary>
    /// <param name="copyNewStreams">Start new customers' streams with binary COPY (bulk loads: see <see cref="NewStreamCopy"/>).</param>
    public async Task<AppendOutcome> AppendAsync(IReadOnlyList<IncomingTouchpoint> batch, AppendContext context, CancellationToken ct, bool copyNewStreams = false)
    {
        var committed = new HashSet<int>();
        for (var attempt = 1; ; attempt++)
        {
            var staged = new List<(IDocumentSession Session, AppendOutcome Outcome, List<StreamAppend>? NewStreams)>();
            try
            {
                foreach (var part in batch.GroupBy(t => databases.TenantOf(t.CustomerId)).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    var session = Open(part.Key, context);
                    staged.Add((session, new AppendOutcome([], []), null));
                    var items = part.ToList();
                    await LockStreamsAsync(session, items, ct);
                    var newStreams = copyNewStreams ? new List<StreamAppend>() : null;
                    staged[^1] = (session, await StageAsync(session, items, ct, newStreams), newStreams);
                }
                var outcome = Combined(staged.Select(s => s.Outcome), committed);
                if (!outcome.Accepted || outcome.Appended == 0) return outcome;
                foreach (var (session, part, newStreams) in staged.Where(s => s.Outcome.Appended > 0))
                {
                    if (newStreams is not null) await copy.WriteAsync(session, context, newStreams, ToEvent, ct);
                    await session.SaveChangesAsync(ct);
                    committed.UnionWith(part.Receipts.Where(r => r.Result == TouchpointResult.Appended).Select(r => r.Index));
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
                foreach (var (session, _, _) in staged) await session.DisposeAsync();
            }
        }
    }

    private IDocumentSession Open(string tenantId, AppendContext context)
    {
        var session = databases.SessionIn(tenantId);
        session.CorrelationId = context.CorrelationId;
        session.CausationId = context.CausationId;
        session.SetHeader(AppendContext.AppendedByHeader, context.AppendedBy);
        return session;
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
    /// Locks the batch's existing streams, in id order, for the rest of the transaction. Large
    /// batches from several clients overlap on some customers almost always; without the lock
    /// they would fail each other's version checks over and over. Ordered locking turns those
    /// conflicts into short waits and cannot deadlock. Streams that do not exist yet cannot be
    /// locked: two batches starting the same customer still race, and the loser decides again.
    /// </summary>
    private static async Task LockStreamsAsync(IDocumentSession session, IReadOnlyList<IncomingTouchpoint> batch, CancellationToken ct)
    {
        await session.BeginTransactionAsync(ct);
        await using var command = session.Connection!.CreateCommand();
        command.CommandText = $"select id from {session.DocumentStore.Options.Events.DatabaseSchemaName}.mt_streams where id = any(@ids) order by id for update";
        command.Parameters.AddWithValue("ids", batch.Select(t => t.CustomerId).Distinct().ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Decides the batch and stages its events in a session someone else commits, such as a
    /// Wolverine handler's, so the events and the handler's outgoing messages commit together.
    /// A lost race then surfaces as the commit's exception, for the caller's retry policy.
    /// </summary>
    public async Task<AppendOutcome> StageAsync(IDocumentSession session, IReadOnlyList<IncomingTouchpoint> batch, CancellationToken ct,
        List<StreamAppend>? newStreamsLeftToCaller = null)
    {
        var plan = IngestionDecision.Decide(batch, await StoredTouchpoints(session, batch, ct), await Standings(session, batch, ct));
        if (!plan.Accepted) return new AppendOutcome([], plan.Rejections);
        foreach (var append in plan.Appends)
        {
            if (append.StartsStream && newStreamsLeftToCaller is not null) newStreamsLeftToCaller.Add(append);
            else Write(session, append);
        }
        return Receipts(batch, plan);
    }

    /// <summary>Another writer got there first; deciding again against the new state is the remedy.</summary>
    public static bool IsLostRace(Exception e) => e is ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException
        or JasperFx.Events.ExistingStreamIdCollisionException
        || e is MartenCommandException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } }
        || e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    private void Write(IDocumentSession session, StreamAppend append)
    {
        var events = append.Touchpoints.Select(ToEvent).ToArray();
        if (append.StartsStream) session.Events.StartStream(append.CustomerId, events);
        else session.Events.Append(append.CustomerId, append.Before!.Version + events.Length, events);
    }

    private IEvent ToEvent(ITouchpoint touchpoint)
    {
        var e = _events.BuildEvent(touchpoint);
        e.Id = TouchpointEventIds.For(touchpoint.TouchpointId);
        return e;
    }

    /// <summary>
    /// The batch's touchpoint ids already recorded, in this database and, when sharded, in the
    /// others: a touchpoint id names one touchpoint of one customer wherever that customer lives.
    /// </summary>
    private async Task<Dictionary<string, StoredTouchpoint>> StoredTouchpoints(
        IQuerySession session, IReadOnlyList<IncomingTouchpoint> batch, CancellationToken ct)
    {
        var ids = batch.Select(i => TouchpointEventIds.For(i.Touchpoint.TouchpointId)).Distinct().ToArray();
        var events = await RecordedEvents(session, ids, ct);
        foreach (var tenant in databases.TenantIds.Where(t => databases.Sharded && t != session.TenantId))
        {
            await using var other = databases.QueryIn(tenant);
            events.AddRange(await RecordedEvents(other, ids, ct));
        }
        return events
            .Where(e => e.Data is ITouchpoint)
            .ToDictionary(e => ((ITouchpoint)e.Data).TouchpointId, e => new StoredTouchpoint(e.StreamKey!, (ITouchpoint)e.Data));
    }

    private static async Task<List<IEvent>> RecordedEvents(IQuerySession session, Guid[] ids, CancellationToken ct) =>
        (await session.Events.QueryAllRawEvents().Where(e => e.Id.IsOneOf(ids)).ToListAsync(ct)).ToList();

    private static async Task<Dictionary<string, CustomerStanding>> Standings(
        IQuerySession session, IReadOnlyList<IncomingTouchpoint> batch, CancellationToken ct)
    {
        var customerIds = batch.Select(i => i.CustomerId).Distinct().ToArray();
        var profiles = await session.LoadManyAsync<CustomerProfile>(ct, customerIds);
        return profiles.ToDictionary(p => p.Id, p => new CustomerStanding(p.Version, p.HasSignedUp, p.OpenOffers.Select(o => o.OfferId).ToHashSet()));
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
