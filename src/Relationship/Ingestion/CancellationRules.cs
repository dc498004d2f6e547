using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Relationship.Ingestion;

/// <summary>
/// A request to cancel needs something to cancel; a withdrawal needs a request pending with no
/// retention offer open. Both judged by the state the touchpoint finds in business time, from the
/// customer's deciding marks plus what the batch appended before it.
/// </summary>
public static class CancellationRules
{
    /// <summary>The customer's deciding marks followed by the batch's state-changing touchpoints so far; null when the store's are not known.</summary>
    public static IReadOnlyList<StandingMark>? MarksOf(CustomerStanding? standing, IReadOnlyList<ITouchpoint>? inBatch)
    {
        if (standing is { Marks: null }) return null;
        var marks = new List<StandingMark>(standing?.Marks ?? []);
        var version = standing?.Version ?? 0;
        foreach (var touchpoint in inBatch ?? [])
        {
            version++;
            var type = TouchpointTypes.NameOf(touchpoint);
            if (Lifecycle.Lifecycle.CanChangeState(type)) marks.Add(new StandingMark(touchpoint.OccurredAt, version, type));
        }
        return marks;
    }

    /// <summary>
    /// A prospect (never signed up nor bought) or a churned client has nothing to cancel: the request
    /// would put it on the desk's work list. Judged when the request is the customer's newest
    /// state-changing touchpoint in business time, where the state it finds is the state now; an
    /// older one (history imported late) leaves the state as the later touchpoints set it.
    /// </summary>
    public static Rejection? RefuseRequest(IncomingTouchpoint item, IReadOnlyList<StandingMark>? marks)
    {
        var at = item.Touchpoint.OccurredAt;
        if (marks is null || marks.Any(m => m.OccurredAt > at)) return null;
        return Lifecycle.Lifecycle.StateAt(marks, at) switch
        {
            CustomerStates.Prospect => Refused(item, RejectionKind.Conflict,
                $"customer '{item.CustomerId}' is a prospect (never signed up nor bought): there is nothing to cancel", "customerId"),
            CustomerStates.Churned => Refused(item, RejectionKind.Conflict,
                $"customer '{item.CustomerId}' has churned: there is nothing to cancel (a client who buys again may ask)", "customerId"),
            _ => null,
        };
    }

    /// <summary>
    /// Only the client's latest request, still pending at the withdrawal's time, with no retention
    /// offer open then: with an offer open, the desk records its acceptance or refusal instead.
    /// </summary>
    public static Rejection? RefuseWithdrawal(IncomingTouchpoint item, CancellationWithdrawn withdrawal, IReadOnlyList<StandingMark>? marks,
        string? latestRequestId, IEnumerable<KeyValuePair<string, OfferWindow>> openOffers)
    {
        var (customer, at) = (item.CustomerId, withdrawal.OccurredAt);
        if (marks is not null)
        {
            if (marks.Where(m => m.OccurredAt > at && Lifecycle.Lifecycle.SetsStateOutright(m.Type)).MaxBy(m => m.OccurredAt) is { } later)
                return Refused(item, RejectionKind.Conflict,
                    $"customer '{customer}' has '{later.Type}' at {later.OccurredAt:O}; a withdrawal dated before that cannot withdraw a request to cancel (check the sender's clock)", "occurredAt");
            if (Lifecycle.Lifecycle.StateAt(marks, at) is var state and not CustomerStates.CancellationRequested)
                return Refused(item, RejectionKind.Conflict,
                    $"customer '{customer}' has no pending request to cancel (state: {state}): there is nothing to withdraw", "customerId");
        }
        if (latestRequestId is not null && latestRequestId != withdrawal.CancellationTouchpointId)
            return Refused(item, RejectionKind.UnknownCancellation,
                $"'{withdrawal.CancellationTouchpointId}' is not the pending request to cancel of customer '{customer}' (its latest is '{latestRequestId}')", "cancellationTouchpointId");
        if (openOffers.Where(o => o.Value.ExpiresAt >= at).Select(o => (Id: o.Key, o.Value.ExpiresAt)).FirstOrDefault() is { Id: not null } open)
            return Refused(item, RejectionKind.Conflict,
                $"customer '{customer}' has retention offer '{open.Id}' open until {open.ExpiresAt:O}: record retention-offer-accepted or retention-offer-declined instead", "cancellationTouchpointId");
        return null;
    }

    /// <summary>
    /// A churn that names the request to cancel it answers (the desk's "Let the client go") lets the client go only
    /// while that request is pending: a colleague's answer recorded first (the client stays, an offer accepted or
    /// declined, an expiry, another churn) or a newer request wins, and the churn is refused rather than churning a
    /// client who stayed. Judged with the customer's stream locked, against the same marks as a withdrawal, so two
    /// desks answering one request at once see one answer win. <paramref name="request"/> is the request named, as
    /// stored or earlier in the batch; null when the customer has no request by that id.
    /// </summary>
    public static Rejection? RefuseChurn(IncomingTouchpoint item, CustomerChurned churn, CancellationRequested? request,
        IReadOnlyList<StandingMark>? marks, string? latestRequestId)
    {
        var (customer, named) = (item.CustomerId, churn.CancellationTouchpointId);
        if (request is null)
            return Refused(item, RejectionKind.UnknownCancellation,
                $"customer '{customer}' has no request to cancel '{named}' (no cancellation-requested with that touchpoint id)", "cancellationTouchpointId");
        if (latestRequestId is not null && latestRequestId != named)
            return Refused(item, RejectionKind.Conflict,
                $"request to cancel '{named}' of customer '{customer}' is no longer pending: the client asked again since ('{latestRequestId}' is its latest request)",
                "cancellationTouchpointId");
        if (marks is not null && marks.Where(m => Lifecycle.Lifecycle.SetsStateOutright(m.Type)).MaxBy(m => (m.OccurredAt, m.Version)) is { } latest)
        {
            if (latest.Type == TouchpointTypes.CancellationRequested && latest.OccurredAt > request.OccurredAt)
                return Refused(item, RejectionKind.Conflict,
                    $"request to cancel '{named}' of customer '{customer}' is no longer pending: the client asked again since, at {latest.OccurredAt:O}", "cancellationTouchpointId");
            if (latest.Type != TouchpointTypes.CancellationRequested)
                return Refused(item, RejectionKind.Conflict,
                    $"request to cancel '{named}' of customer '{customer}' is no longer pending: '{latest.Type}' at {latest.OccurredAt:O} decided it " +
                    $"(state: {Lifecycle.Lifecycle.StateAt(marks, DateTimeOffset.MaxValue)})", "cancellationTouchpointId");
        }
        // Folded in business time, a churn dated before the request would leave the client asking to cancel.
        if (churn.OccurredAt < request.OccurredAt)
            return Refused(item, RejectionKind.Conflict,
                $"request to cancel '{named}' of customer '{customer}' was made at {request.OccurredAt:O}; a churn dated before it cannot answer it (check the sender's clock)",
                "occurredAt");
        return null;
    }

    private static Rejection Refused(IncomingTouchpoint item, RejectionKind kind, string reason, string field) =>
        new(item.Index, item.Touchpoint.TouchpointId, kind, reason, field);
}
