using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Relationship.Ingestion;

/// <summary>
/// Requests that share a transaction, decided one after the other: each against what the store
/// holds plus what the requests accepted before it appended, so two requests for the same customer
/// (or repeating the same touchpoint) decide exactly as they would in two transactions in a row.
/// A rejected request leaves nothing behind for the ones after it.
/// </summary>
public static class DecisionsInTurn
{
    public static IReadOnlyList<IngestionPlan> Decide(
        IReadOnlyList<IReadOnlyList<IncomingTouchpoint>> requests,
        IReadOnlyDictionary<string, StoredTouchpoint> storedById,
        IReadOnlyDictionary<string, CustomerStanding> standings)
    {
        var stored = new Dictionary<string, StoredTouchpoint>(storedById);
        var known = new Dictionary<string, CustomerStanding>(standings);
        var plans = new List<IngestionPlan>(requests.Count);
        foreach (var request in requests)
        {
            var plan = IngestionDecision.Decide(request, stored, known);
            plans.Add(plan);
            foreach (var append in plan.Appends)
            {
                known[append.CustomerId] = After(append.Before, append.Touchpoints);
                foreach (var touchpoint in append.Touchpoints)
                    stored[touchpoint.TouchpointId] = new StoredTouchpoint(append.CustomerId, touchpoint);
            }
        }
        return plans;
    }

    /// <summary>The customer's standing once these touchpoints are appended to its stream.</summary>
    public static CustomerStanding After(CustomerStanding? before, IReadOnlyList<ITouchpoint> appended)
    {
        var offers = new Dictionary<string, OfferWindow>(before?.OpenOffers ?? new Dictionary<string, OfferWindow>());
        var signedUp = before?.HasSignedUp ?? false;
        var latestCancellation = before?.LatestCancellationAt;
        var latestCancellationId = before?.LatestCancellationId;
        foreach (var touchpoint in appended)
        {
            if (touchpoint is SignedUp) signedUp = true;
            if (touchpoint is CancellationRequested cancellation)
            {
                if (cancellation.OccurredAt >= (latestCancellation ?? DateTimeOffset.MinValue)) latestCancellationId = cancellation.TouchpointId;
                latestCancellation = IngestionDecision.Later(latestCancellation, cancellation.OccurredAt);
            }
            if (touchpoint is RetentionOfferMade made) offers[made.OfferId] = new OfferWindow(made.OccurredAt, made.ExpiresAt);
            if (IngestionDecision.OfferAnswered(touchpoint) is { } closed) offers.Remove(closed);
            if (touchpoint is CustomerChurned gone)
                foreach (var (offerId, window) in offers.ToList())
                    if (IngestionDecision.ClosedByChurn(window.MadeAt, latestCancellation, gone)) offers.Remove(offerId);
        }
        var marks = CancellationRules.MarksOf(before, appended) is { } all
            ? Lifecycle.DecidingMarks.Of(all, m => m.OccurredAt, m => m.Version, m => m.Type)
            : null;
        return new CustomerStanding((before?.Version ?? 0) + appended.Count, signedUp, offers, latestCancellation, marks, latestCancellationId);
    }
}
