using EventCrm.Projections.Customers;
using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Touchpoints;
using JasperFx.Events;
using Marten;
using Marten.Events;

namespace EventCrm.Host.Touchpoints;

// Deciding the requests against what the store holds, and staging a decision in someone else's session.
public sealed partial class TouchpointAppender
{
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
}
