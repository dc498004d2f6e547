using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Relationship.Lifecycle;

/// <summary>
/// Where a customer stands after each touchpoint, folded in business-time order, so a
/// back-dated touchpoint changes the states after it and not before.
/// </summary>
public static class Lifecycle
{
    /// <summary>The state after <paramref name="type"/> happened to a customer in <paramref name="state"/>.</summary>
    public static string? Next(string? state, string type) => type switch
    {
        TouchpointTypes.LeadCaptured => state ?? CustomerStates.Prospect,
        TouchpointTypes.SignedUp => CustomerStates.Active,
        // Buying is what turns a prospect into a customer, and wins a churned one back.
        TouchpointTypes.Purchase => state is null or CustomerStates.Prospect or CustomerStates.Churned
            ? CustomerStates.Active
            : state,
        TouchpointTypes.CancellationRequested => CustomerStates.CancellationRequested,
        // Only a client asking to cancel, with no offer open, may withdraw (IngestionDecision): it
        // stays a customer. Retained is what an accepted offer made of a client; this cost nothing.
        TouchpointTypes.CancellationWithdrawn => CustomerStates.Active,
        TouchpointTypes.Churned => CustomerStates.Churned,
        TouchpointTypes.RetentionOfferAccepted => CustomerStates.Retained,
        TouchpointTypes.RetentionOfferDeclined or TouchpointTypes.RetentionOfferExpired => CustomerStates.Churned,
        _ => state,
    };

    /// <summary>Touchpoint types that can move a customer from one state to another.</summary>
    public static bool CanChangeState(string type) => type is TouchpointTypes.LeadCaptured
        or TouchpointTypes.SignedUp or TouchpointTypes.Purchase
        or TouchpointTypes.CancellationRequested or TouchpointTypes.CancellationWithdrawn or TouchpointTypes.Churned
        or TouchpointTypes.RetentionOfferAccepted or TouchpointTypes.RetentionOfferDeclined or TouchpointTypes.RetentionOfferExpired;

    /// <summary>Touchpoint types after which the state is the same whatever it was before (see <see cref="Next"/>).</summary>
    public static bool SetsStateOutright(string type) => type is TouchpointTypes.SignedUp
        or TouchpointTypes.CancellationRequested or TouchpointTypes.CancellationWithdrawn or TouchpointTypes.Churned
        or TouchpointTypes.RetentionOfferAccepted or TouchpointTypes.RetentionOfferDeclined or TouchpointTypes.RetentionOfferExpired;

    /// <summary>
    /// The state a touchpoint dated <paramref name="at"/>, recorded after <paramref name="marks"/> (a
    /// customer's deciding marks, <see cref="DecidingMarks"/>), finds; null when one of them that sets
    /// the state outright is dated after it: the marks kept no longer tell what came before that one.
    /// Exact unless the state found is churned or prospect and a purchase is dated after
    /// <paramref name="at"/> (an earlier purchase, not kept, may have made the client active already).
    /// </summary>
    public static string? StateAt(IReadOnlyList<StandingMark> marks, DateTimeOffset at)
    {
        if (marks.Any(m => m.OccurredAt > at && SetsStateOutright(m.Type))) return null;
        var before = Replay(marks.Where(m => m.OccurredAt <= at), m => m.OccurredAt, m => m.Version, m => m.Type);
        return before.Count > 0 ? before[^1].State : CustomerStates.Prospect;
    }

    /// <summary>
    /// Orders touchpoints by business time (ties keep the order in which they were recorded) and
    /// gives the state after each one.
    /// </summary>
    public static IReadOnlyList<(T Item, string State)> Replay<T>(
        IEnumerable<T> items, Func<T, DateTimeOffset> occurredAt, Func<T, long> recordedOrder, Func<T, string> type)
    {
        var result = new List<(T, string)>();
        string? state = null;
        foreach (var item in items.OrderBy(occurredAt).ThenBy(recordedOrder))
        {
            state = Next(state, type(item));
            result.Add((item, state ?? CustomerStates.Prospect));
        }
        return result;
    }
}
