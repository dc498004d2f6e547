namespace EventCrm.Relationship.Retention;

/// <summary>
/// What became of the offers made in a period, counted over the offers themselves (never over counters that start
/// with a process): every offer is counted once, with its own end, whichever node made or answered it.
/// </summary>
/// <param name="Made">Offers made in the period.</param>
/// <param name="Left">Offers closed by the client's departure while they ran (a churn recorded before any answer).</param>
/// <param name="Open">Offers not answered, expired or closed yet.</param>
/// <param name="SaveRate">
/// <see cref="Accepted"/> ÷ the offers ended (<see cref="Made"/> − <see cref="Open"/>: accepted, declined, expired or
/// left); null when none has ended.
/// </param>
/// <param name="MoneySpent">The cost of the offers accepted.</param>
/// <param name="ValueKept">The current value, at the decision, of the clients who accepted (as recorded in its inputs).</param>
/// <param name="AcceptedWithoutValue">Accepted offers whose decision recorded no current value: left out of <see cref="ValueKept"/>.</param>
public sealed record OfferOutcomes(int Made, int Accepted, int Declined, int Expired, int Left, int Open, decimal? SaveRate,
    decimal MoneySpent, decimal ValueKept, int AcceptedWithoutValue)
{
    public static OfferOutcomes Of(IReadOnlyCollection<RetentionCase> offers)
    {
        int Count(string? outcome) => offers.Count(c => c.Outcome == outcome);
        var accepted = offers.Where(c => c.Outcome == RetentionOutcomes.Accepted).ToList();
        var open = Count(null);
        var ended = offers.Count - open;
        return new(offers.Count, accepted.Count, Count(RetentionOutcomes.Declined), Count(RetentionOutcomes.Expired), Count(RetentionOutcomes.Left),
            open, ended == 0 ? null : (decimal)accepted.Count / ended, accepted.Sum(c => c.Cost), accepted.Sum(c => c.ValueAtDecision ?? 0m),
            accepted.Count(c => c.ValueAtDecision is null));
    }
}

/// <param name="ByRule">How many each rule decided ("below-minimum": 3), the rule's name without its formula.</param>
/// <param name="Stayed">Withdrawn: the client stayed without an offer.</param>
/// <param name="Left">The client left (a churn).</param>
/// <param name="Open">Still asking to cancel.</param>
public sealed record NotOfferedOutcomes(int Total, IReadOnlyDictionary<string, int> ByRule, int Stayed, int Left, int Open)
{
    public static NotOfferedOutcomes Of(IReadOnlyCollection<RetentionCase> letGo) => new(letGo.Count,
        letGo.GroupBy(c => c.Rule ?? "unknown").OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
        letGo.Count(c => c.Outcome == RetentionOutcomes.Stayed), letGo.Count(c => c.Outcome == RetentionOutcomes.Left), letGo.Count(c => c.Outcome is null));
}

/// <param name="Tier">The retention tier's name ("gold"), or "unknown" for an offer that does not say; the highest tier first.</param>
public sealed record TierOutcomes(string Tier, OfferOutcomes Offers);

/// <summary>
/// The retention desk's outcomes over the requests to cancel the service decided in [<see cref="From"/>, <see cref="To"/>)
/// (business time of the decision), each followed to its end, up to now.
/// </summary>
/// <param name="Requests">Requests decided in the period: <see cref="OfferOutcomes.Made"/> + <see cref="NotOfferedOutcomes.Total"/>.</param>
/// <param name="Retained">Clients kept by an accepted offer (= <c>offers.accepted</c>).</param>
/// <param name="ChurnedAfterOffer">Clients lost after an offer: declined, expired or left while it ran.</param>
public sealed record RetentionOutcomeReport(DateTimeOffset From, DateTimeOffset To, int Requests, OfferOutcomes Offers, NotOfferedOutcomes NotOffered,
    int Retained, int ChurnedAfterOffer, IReadOnlyList<TierOutcomes> ByTier)
{
    public const string UnknownTier = "unknown";

    /// <summary>The report over the cases decided in [from, to), among those given (cases of any period may be among them).</summary>
    public static RetentionOutcomeReport Of(IEnumerable<RetentionCase> cases, DateTimeOffset from, DateTimeOffset to)
    {
        var inPeriod = cases.Where(c => c.DecidedAt >= from && c.DecidedAt < to).ToList();
        var offers = inPeriod.Where(c => c.Offered).ToList();
        var totals = OfferOutcomes.Of(offers);
        var byTier = offers.GroupBy(c => c.Tier ?? UnknownTier)
            .Select(g => new TierOutcomes(g.Key, OfferOutcomes.Of(g.ToList())))
            .OrderByDescending(t => offers.Where(c => (c.Tier ?? UnknownTier) == t.Tier).Max(c => c.TierFrom ?? decimal.MinValue))
            .ThenBy(t => t.Tier, StringComparer.Ordinal)
            .ToList();
        return new(from, to, inPeriod.Count, totals, NotOfferedOutcomes.Of(inPeriod.Where(c => !c.Offered).ToList()),
            totals.Accepted, totals.Declined + totals.Expired + totals.Left, byTier);
    }
}
