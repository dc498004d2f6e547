using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Relationship.Retention;

/// <summary>
/// What retention offers have already cost the client within the policy's cap window: the offers accepted, each at the
/// cost it was made with, counted when accepted (the acceptance's business time, when the cost is incurred, as the
/// historical profit counts it). Offers declined or expired cost nothing; an open offer cannot be beside a new one
/// (one offer at a time, <c>RetentionDesk</c>), so only acceptances count.
/// </summary>
public static class RetentionSpent
{
    /// <summary>
    /// The costs of the offers accepted after <paramref name="at"/> - <paramref name="window"/>, each once. None is left out for
    /// being dated after <paramref name="at"/> (a sender's clock a little ahead): it is spent all the same.
    /// </summary>
    public static decimal Within(IReadOnlyCollection<ITouchpoint> touchpoints, DateTimeOffset at, TimeSpan window)
    {
        var costs = touchpoints.OfType<RetentionOfferMade>().GroupBy(o => o.OfferId).ToDictionary(g => g.Key, g => g.First().Cost);
        return touchpoints.OfType<RetentionOfferAccepted>()
            .GroupBy(a => a.OfferId).Select(g => g.First())
            .Where(a => a.OccurredAt > at - window)
            .Sum(a => costs.GetValueOrDefault(a.OfferId));
    }
}
