using EventCrm.Relationship.Privacy;
using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Relationship.Ingestion;

/// <summary>One touchpoint of a request, at its place in the request (0 for a single object).</summary>
public sealed record IncomingTouchpoint(int Index, string CustomerId, ITouchpoint Touchpoint);

/// <summary>A touchpoint already in the store under its idempotency key.</summary>
public sealed record StoredTouchpoint(string CustomerId, ITouchpoint Touchpoint);

/// <summary>
/// What the store knows of a customer that matters for accepting new touchpoints: its open
/// retention offers by id, with when each was made and expires, the business time of its latest
/// cancellation request (null if none, or recorded before profiles kept it), that request's id
/// (null if none, or recorded before profiles kept it) and the marks that decide its state
/// (<see cref="Lifecycle.DecidingMarks"/>; null when not known: its state is then not judged).
/// </summary>
public sealed record CustomerStanding(long Version, bool HasSignedUp, IReadOnlyDictionary<string, OfferWindow> OpenOffers,
    DateTimeOffset? LatestCancellationAt = null, IReadOnlyList<Lifecycle.StandingMark>? Marks = null, string? LatestCancellationId = null)
{
    public CustomerStanding(long version, bool hasSignedUp) : this(version, hasSignedUp, new Dictionary<string, OfferWindow>()) { }
}

/// <summary>When an offer may be answered, in business time: from when it was made (null in profiles stored before it was kept) until it expires.</summary>
public sealed record OfferWindow(DateTimeOffset? MadeAt, DateTimeOffset ExpiresAt);

/// <summary>HTTP: <see cref="Conflict"/> is 409 (the customer's state or a reused id forbids it), the others 404.</summary>
public enum RejectionKind { UnknownCustomer, UnknownOffer, Conflict, UnknownCancellation }

/// <param name="Field">The field at fault: the customer that does not exist, already signed up or has nothing to cancel, the offer or request answered, the answer's time, or the id reused.</param>
public sealed record Rejection(int Index, string TouchpointId, RejectionKind Kind, string Reason, string Field = "touchpointId");

/// <summary>The touchpoints to append to one customer's stream, in request order.</summary>
public sealed record StreamAppend(string CustomerId, CustomerStanding? Before, IReadOnlyList<ITouchpoint> Touchpoints)
{
    public bool StartsStream => Before is null;
}

public sealed record IngestionPlan(
    IReadOnlyList<StreamAppend> Appends, IReadOnlyList<IncomingTouchpoint> Repeats, IReadOnlyList<Rejection> Rejections)
{
    public bool Accepted => Rejections.Count == 0;
    public int AppendedCount => Appends.Sum(a => a.Touchpoints.Count);
}

/// <summary>
/// Decides what a batch of touchpoints does to the store: all of it is appended, or nothing is.
/// A touchpoint id seen before with the same content is a harmless repeat; with other content it
/// is a conflict, because the caller is reusing a key for something else.
/// </summary>
public static class IngestionDecision
{
    /// <param name="placeOf">
    /// How the caller names an item of the batch by its index, for a touchpoint id used twice in
    /// the batch: "[3]" in a request's array (the default), "line 3" in an import file.
    /// </param>
    public static IngestionPlan Decide(
        IReadOnlyList<IncomingTouchpoint> batch,
        IReadOnlyDictionary<string, StoredTouchpoint> storedById,
        IReadOnlyDictionary<string, CustomerStanding> standings,
        Func<int, string>? placeOf = null)
    {
        var rejections = new List<Rejection>();
        var repeats = new List<IncomingTouchpoint>();
        var acceptedInBatch = new Dictionary<string, IncomingTouchpoint>();
        var pending = new Dictionary<string, List<ITouchpoint>>();
        var signedUpInBatch = new HashSet<string>();
        var answeredInBatch = new HashSet<string>();
        var cancellationsInBatch = new Dictionary<string, DateTimeOffset>();
        var cancellationIdsInBatch = new Dictionary<string, string>();

        foreach (var item in batch)
        {
            var id = item.Touchpoint.TouchpointId;
            if (storedById.TryGetValue(id, out var stored))
            {
                if (SameContent(stored, item)) repeats.Add(item);
                else rejections.Add(Conflicting(item));
                continue;
            }
            if (acceptedInBatch.TryGetValue(id, out var inBatch))
            {
                if (SameContent(new StoredTouchpoint(inBatch.CustomerId, inBatch.Touchpoint), item)) repeats.Add(item);
                else rejections.Add(ConflictingWith(item, (placeOf ?? InArray)(inBatch.Index)));
                continue;
            }

            var known = standings.ContainsKey(item.CustomerId) || pending.ContainsKey(item.CustomerId);
            if (!known && !TouchpointTypes.CanStartStream(item.Touchpoint))
            {
                rejections.Add(new(item.Index, id, RejectionKind.UnknownCustomer,
                    $"customer '{item.CustomerId}' does not exist; a customer starts with lead-captured or signed-up", "customerId"));
                continue;
            }
            if (item.Touchpoint is SignedUp && HasSignedUp(item.CustomerId, standings, signedUpInBatch))
            {
                rejections.Add(new(item.Index, id, RejectionKind.Conflict,
                    $"customer '{item.CustomerId}' has already signed up", "customerId"));
                continue;
            }

            if (OfferAnswered(item.Touchpoint) is { } offerId)
            {
                if (!IsOpen(offerId, item.CustomerId, standings, answeredInBatch))
                {
                    rejections.Add(new(item.Index, id, RejectionKind.UnknownOffer,
                        $"offer '{offerId}' is not an open retention offer of customer '{item.CustomerId}' (unknown, already answered or expired)", "offerId"));
                    continue;
                }
                // The expiry is recorded by a scheduled message a moment after the offer's end: an
                // answer dated after that end is too late even while the offer still shows as open.
                var (madeAt, expiresAt) = standings[item.CustomerId].OpenOffers[offerId];
                if (item.Touchpoint is not RetentionOfferExpired && item.Touchpoint.OccurredAt > expiresAt)
                {
                    rejections.Add(new(item.Index, id, RejectionKind.UnknownOffer,
                        $"offer '{offerId}' of customer '{item.CustomerId}' expired at {expiresAt:O}; an answer dated after that is too late", "occurredAt"));
                    continue;
                }
                // Business time folds the states: an answer dated before the request it answers
                // would leave the client asking to cancel, with the offer closed and no expiry to come.
                if (LatestCancellation(item.CustomerId, standings, cancellationsInBatch) is { } requestedAt && item.Touchpoint.OccurredAt < requestedAt)
                {
                    rejections.Add(new(item.Index, id, RejectionKind.UnknownOffer,
                        $"customer '{item.CustomerId}' asked to cancel at {requestedAt:O}; an answer to offer '{offerId}' dated before that request " +
                        "cannot answer it (check the sender's clock)", "occurredAt"));
                    continue;
                }
                // Nor before the offer itself: the timeline would have the client retained (or churned), then offered.
                if (madeAt is { } made && item.Touchpoint.OccurredAt < made)
                {
                    rejections.Add(new(item.Index, id, RejectionKind.UnknownOffer,
                        $"offer '{offerId}' of customer '{item.CustomerId}' was made at {made:O}; an answer dated before that " +
                        "cannot answer it (check the sender's clock)", "occurredAt"));
                    continue;
                }
            }

            // Whether the customer has anything to cancel, or a request to withdraw, by the state the touchpoint finds.
            if (item.Touchpoint is CancellationRequested or CancellationWithdrawn)
            {
                var standing = standings.GetValueOrDefault(item.CustomerId);
                var marks = CancellationRules.MarksOf(standing, pending.GetValueOrDefault(item.CustomerId));
                var refusal = item.Touchpoint is CancellationWithdrawn withdrawal
                    ? CancellationRules.RefuseWithdrawal(item, withdrawal, marks,
                        cancellationIdsInBatch.GetValueOrDefault(item.CustomerId) ?? standing?.LatestCancellationId,
                        (standing?.OpenOffers ?? new Dictionary<string, OfferWindow>()).Where(o => !answeredInBatch.Contains(o.Key)))
                    : CancellationRules.RefuseRequest(item, marks);
                if (refusal is not null)
                {
                    rejections.Add(refusal);
                    continue;
                }
            }

            if (item.Touchpoint is CustomerChurned { CancellationTouchpointId: { } named } churn)
            {
                var standing = standings.GetValueOrDefault(item.CustomerId);
                var refusal = CancellationRules.RefuseChurn(item, churn, RequestNamed(named, item.CustomerId, storedById, acceptedInBatch),
                    CancellationRules.MarksOf(standing, pending.GetValueOrDefault(item.CustomerId)),
                    cancellationIdsInBatch.GetValueOrDefault(item.CustomerId) ?? standing?.LatestCancellationId);
                if (refusal is not null)
                {
                    rejections.Add(refusal);
                    continue;
                }
            }

            if (item.Touchpoint is CancellationRequested cancellation)
            {
                // The latest in business time; of two at the same time, the one recorded last.
                if (cancellationsInBatch.GetValueOrDefault(item.CustomerId, DateTimeOffset.MinValue) <= cancellation.OccurredAt
                    && (standings.GetValueOrDefault(item.CustomerId)?.LatestCancellationAt ?? DateTimeOffset.MinValue) <= cancellation.OccurredAt)
                    cancellationIdsInBatch[item.CustomerId] = cancellation.TouchpointId;
                cancellationsInBatch[item.CustomerId] = Later(cancellationsInBatch.GetValueOrDefault(item.CustomerId), cancellation.OccurredAt);
            }
            if (OfferAnswered(item.Touchpoint) is { } answered) answeredInBatch.Add(answered);
            if (item.Touchpoint is CustomerChurned gone && standings.TryGetValue(item.CustomerId, out var leaving))
                answeredInBatch.UnionWith(leaving.OpenOffers
                    .Where(o => ClosedByChurn(o.Value.MadeAt, LatestCancellation(item.CustomerId, standings, cancellationsInBatch), gone)).Select(o => o.Key));
            if (item.Touchpoint is SignedUp) signedUpInBatch.Add(item.CustomerId);
            acceptedInBatch[id] = item;
            if (!pending.TryGetValue(item.CustomerId, out var list)) pending[item.CustomerId] = list = [];
            list.Add(item.Touchpoint);
        }

        var appends = pending
            .Select(p => new StreamAppend(p.Key, standings.GetValueOrDefault(p.Key), p.Value))
            .ToList();
        return new IngestionPlan(rejections.Count == 0 ? appends : [], repeats, rejections);
    }

    /// <summary>
    /// The touchpoint ids the decision needs looked up in the store for this touchpoint: its own (a repeat or a
    /// reused id) and the request to cancel a churn names (whether the customer made it). Callers pass what they
    /// find as <c>storedById</c>.
    /// </summary>
    public static IEnumerable<string> IdsToLookUp(ITouchpoint touchpoint) =>
        touchpoint is CustomerChurned { CancellationTouchpointId: { } request } ? [touchpoint.TouchpointId, request] : [touchpoint.TouchpointId];

    /// <summary>The customer's request to cancel by this touchpoint id, as stored or accepted earlier in the batch; null if it made none.</summary>
    private static CancellationRequested? RequestNamed(string requestId, string customerId, IReadOnlyDictionary<string, StoredTouchpoint> storedById,
        Dictionary<string, IncomingTouchpoint> acceptedInBatch) =>
        acceptedInBatch.TryGetValue(requestId, out var inBatch) && inBatch.CustomerId == customerId ? inBatch.Touchpoint as CancellationRequested
        : storedById.TryGetValue(requestId, out var stored) && stored.CustomerId == customerId ? stored.Touchpoint as CancellationRequested
        : null;

    /// <summary>The retention offer a touchpoint closes (accepted, declined or expired), if any.</summary>
    public static string? OfferAnswered(ITouchpoint touchpoint) => touchpoint switch
    {
        RetentionOfferAccepted a => a.OfferId,
        RetentionOfferDeclined d => d.OfferId,
        RetentionOfferExpired e => e.OfferId,
        _ => null,
    };

    private static bool IsOpen(string offerId, string customerId, IReadOnlyDictionary<string, CustomerStanding> standings, HashSet<string> answeredInBatch) =>
        !answeredInBatch.Contains(offerId) && standings.TryGetValue(customerId, out var s) && s.OpenOffers.ContainsKey(offerId);

    private static DateTimeOffset? LatestCancellation(string customerId, IReadOnlyDictionary<string, CustomerStanding> standings,
        Dictionary<string, DateTimeOffset> cancellationsInBatch)
    {
        var stored = standings.GetValueOrDefault(customerId)?.LatestCancellationAt;
        return cancellationsInBatch.TryGetValue(customerId, out var inBatch) ? Later(stored, inBatch) : stored;
    }

    /// <summary>
    /// A client who left after the offer was made, and after its latest request to cancel, has no
    /// offer left to answer (its expiry records nothing either). A departure dated before a later
    /// request leaves the offer running, the client asking again; an offer whose time is unknown
    /// (profiles stored before it was kept) is left to its answer or expiry.
    /// </summary>
    public static bool ClosedByChurn(DateTimeOffset? offerMadeAt, DateTimeOffset? latestCancellationAt, CustomerChurned churn) =>
        offerMadeAt is { } made && churn.OccurredAt >= made && churn.OccurredAt >= (latestCancellationAt ?? DateTimeOffset.MinValue);

    /// <summary>The later of two business times, either of which may be unknown.</summary>
    public static DateTimeOffset Later(DateTimeOffset? known, DateTimeOffset at) => known is { } k && k > at ? k : at;

    private static bool HasSignedUp(string customerId, IReadOnlyDictionary<string, CustomerStanding> standings,
        HashSet<string> signedUpInBatch) =>
        signedUpInBatch.Contains(customerId) || (standings.TryGetValue(customerId, out var s) && s.HasSignedUp);

    /// <summary>A touchpoint id used again for other content: the caller is reusing a key for something else.</summary>
    public static Rejection Conflicting(IncomingTouchpoint item) => new(item.Index, item.Touchpoint.TouchpointId, RejectionKind.Conflict,
        $"touchpoint '{item.Touchpoint.TouchpointId}' was already recorded with different content");

    /// <summary>
    /// A touchpoint id used twice in one batch (or file) for other content. Nothing of the batch is
    /// recorded yet, so the reason names the earlier item, not the store.
    /// </summary>
    public static Rejection ConflictingWith(IncomingTouchpoint item, string earlierPlace) => new(item.Index, item.Touchpoint.TouchpointId, RejectionKind.Conflict,
        $"{earlierPlace} has the same touchpoint id '{item.Touchpoint.TouchpointId}' with other content");

    private static string InArray(int index) => $"[{index}]";

    // Records compare by value; DateTimeOffset compares instants, so the same moment written with
    // another offset is the same touchpoint. A personal value erased since (docs/privacy.md)
    // matches whatever is sent again in its place: a sender replaying its outbox sends the values
    // it had, and nothing of them is written back.
    public static bool SameContent(StoredTouchpoint earlier, IncomingTouchpoint item) =>
        earlier.CustomerId == item.CustomerId
        && (earlier.Touchpoint.Equals(item.Touchpoint)
            || PersonalData.ErasedIn(earlier.Touchpoint) is { Count: > 0 } erased && earlier.Touchpoint.Equals(PersonalData.Erase(item.Touchpoint, erased)));
}
