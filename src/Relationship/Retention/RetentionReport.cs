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
/// left), to 4 decimals (half to even, as the portfolio's rates); null when none has ended.
/// </param>
/// <param name="MoneySpent">The cost of the offers accepted.</param>
/// <param name="ValueKept">
/// The current value of the clients who accepted an offer, each once, at the latest decision whose offer it accepted (as
/// recorded in its inputs): a retained client asking again and accepting again is one client kept, not two (until
/// 2026-12-07 each acceptance added the client's value again).
/// </param>
/// <param name="AcceptedWithoutValue">Clients whose latest accepted offer recorded no current value: left out of <see cref="ValueKept"/>.</param>
/// <param name="ClientsRetained">Clients who accepted at least one offer: <see cref="Accepted"/> counts the offers.</param>
public sealed record OfferOutcomes(int Made, int Accepted, int Declined, int Expired, int Left, int Open, decimal? SaveRate,
    decimal MoneySpent, decimal ValueKept, int AcceptedWithoutValue, int ClientsRetained)
{
    public static OfferOutcomes Of(IReadOnlyCollection<ClientCase> offers)
    {
        int Count(string? outcome) => offers.Count(c => c.Case.Outcome == outcome);
        var accepted = offers.Where(c => c.Case.Outcome == RetentionOutcomes.Accepted).ToList();
        var kept = accepted.GroupBy(c => c.CustomerId).Select(client => client.MaxBy(c => c.Case.DecidedAt)!.Case).ToList();
        var open = Count(null);
        var ended = offers.Count - open;
        return new(offers.Count, accepted.Count, Count(RetentionOutcomes.Declined), Count(RetentionOutcomes.Expired), Count(RetentionOutcomes.Left),
            open, ended == 0 ? null : Math.Round((decimal)accepted.Count / ended, 4, MidpointRounding.ToEven), accepted.Sum(c => c.Case.Cost), kept.Sum(c => c.ValueAtDecision ?? 0m),
            kept.Count(c => c.ValueAtDecision is null), kept.Count);
    }
}

/// <summary>A request to cancel with the client it is of: the report counts clients as well as requests.</summary>
public sealed record ClientCase(string CustomerId, RetentionCase Case);

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
/// <param name="Retained">Clients kept by an accepted offer, each once (<c>offers.clientsRetained</c>; <c>offers.accepted</c> counts the offers).</param>
/// <param name="ChurnedAfterOffer">Clients lost after an offer: declined, expired or left while it ran.</param>
public sealed record RetentionOutcomeReport(DateTimeOffset From, DateTimeOffset To, int Requests, OfferOutcomes Offers, NotOfferedOutcomes NotOffered,
    int Retained, int ChurnedAfterOffer, IReadOnlyList<TierOutcomes> ByTier)
{
    public const string UnknownTier = "unknown";

    /// <summary>The report over the cases decided in [from, to), among those given (cases of any period may be among them).</summary>
    public static RetentionOutcomeReport Of(IEnumerable<RetentionCases> clients, DateTimeOffset from, DateTimeOffset to)
    {
        var inPeriod = clients.SelectMany(client => client.Cases.Select(c => new ClientCase(client.CustomerId, c)))
            .Where(c => c.Case.DecidedAt >= from && c.Case.DecidedAt < to).ToList();
        var offers = inPeriod.Where(c => c.Case.Offered).ToList();
        var totals = OfferOutcomes.Of(offers);
        var byTier = offers.GroupBy(c => c.Case.Tier ?? UnknownTier)
            .Select(g => new TierOutcomes(g.Key, OfferOutcomes.Of(g.ToList())))
            .OrderByDescending(t => offers.Where(c => (c.Case.Tier ?? UnknownTier) == t.Tier).Max(c => c.Case.TierFrom ?? decimal.MinValue))
            .ThenBy(t => t.Tier, StringComparer.Ordinal)
            .ToList();
        return new(from, to, inPeriod.Count, totals, NotOfferedOutcomes.Of(inPeriod.Where(c => !c.Case.Offered).Select(c => c.Case).ToList()),
            totals.ClientsRetained, totals.Declined + totals.Expired + totals.Left, byTier);
    }
}
