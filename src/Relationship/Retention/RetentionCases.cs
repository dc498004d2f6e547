using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Relationship.Retention;

/// <summary>How a request to cancel ended (<see cref="RetentionCase.Outcome"/>); null while it is open.</summary>
public static class RetentionOutcomes
{
    public const string Accepted = "accepted", Declined = "declined", Expired = "expired", Stayed = "stayed", Left = "left";
}

/// <summary>
/// One request to cancel the service decided on, and how it ended: what the retention desk's report counts.
/// </summary>
/// <param name="DecidedAt">The business time of the service's decision (<c>retention-offer-made</c> or <c>retention-not-offered</c>).</param>
/// <param name="OfferId">The offer made; null when none was.</param>
/// <param name="Rule">For a request not offered, the rule that decided it ("below-minimum"), without its formula.</param>
/// <param name="Cost">What the offer costs the company if accepted.</param>
/// <param name="Tier">The retention tier the offer was sized by; null when the offer does not say.</param>
/// <param name="TierFrom">The current value that tier starts from (the tiers are listed from the highest).</param>
/// <param name="ValueAtDecision">The client's current value the decision recorded in its inputs (<c>currentValue</c>); null when it recorded none.</param>
/// <param name="Outcome">One of <see cref="RetentionOutcomes"/>; null while open.</param>
public sealed record RetentionCase(
    string CancellationTouchpointId, DateTimeOffset DecidedAt, string? OfferId, string? Rule, decimal Cost, string? Tier,
    decimal? TierFrom, decimal? ValueAtDecision, string? Outcome, DateTimeOffset? SettledAt)
{
    public bool Offered => OfferId is not null;
}

/// <summary>
/// A client's requests to cancel as the service decided them and as they ended, folded from the client's stream in the
/// order it was recorded; pure, so a rebuild gives the same document. <see cref="FirstDecidedAt"/> and
/// <see cref="LastDecidedAt"/> bound the decisions, so that a report over a period reads only the clients it may concern.
/// </summary>
public sealed record RetentionCases(string CustomerId, IReadOnlyList<RetentionCase> Cases, DateTimeOffset? FirstDecidedAt, DateTimeOffset? LastDecidedAt)
{
    public static RetentionCases Empty(string customerId) => new(customerId, [], null, null);

    /// <summary>The cases after one more touchpoint of the client's; the same cases for a touchpoint that decides nothing.</summary>
    public RetentionCases Record(ITouchpoint touchpoint) => touchpoint switch
    {
        RetentionOfferMade o => Decided(new RetentionCase(o.CancellationTouchpointId, o.OccurredAt, o.OfferId, null, o.Cost,
            TierOf(o)?.Name, TierOf(o)?.From, ValueIn(o.Inputs), null, null)),
        RetentionNotOffered n => Decided(new RetentionCase(n.CancellationTouchpointId, n.OccurredAt, null, RuleName(n.Rule), 0m, null, null,
            ValueIn(n.Inputs), null, null)),
        RetentionOfferAccepted a => Settle(c => c.OfferId == a.OfferId, RetentionOutcomes.Accepted, a.OccurredAt),
        RetentionOfferDeclined d => Settle(c => c.OfferId == d.OfferId, RetentionOutcomes.Declined, d.OccurredAt),
        RetentionOfferExpired e => Settle(c => c.OfferId == e.OfferId, RetentionOutcomes.Expired, e.OccurredAt),
        CancellationWithdrawn w => Settle(c => c.CancellationTouchpointId == w.CancellationTouchpointId, RetentionOutcomes.Stayed, w.OccurredAt),
        // A churn naming its request answers that one; one naming none (the desk's before 2026-12-06, an import's) closes
        // whatever was still open when it happened: the client has left, an open offer can no longer be answered.
        CustomerChurned { CancellationTouchpointId: { } request } c => Settle(x => x.CancellationTouchpointId == request, RetentionOutcomes.Left, c.OccurredAt),
        CustomerChurned c => Settle(x => x.DecidedAt <= c.OccurredAt, RetentionOutcomes.Left, c.OccurredAt),
        _ => this,
    };

    /// <summary>A decision recorded again (a redelivery) changes nothing: the first one stands.</summary>
    private RetentionCases Decided(RetentionCase decided)
    {
        if (Cases.Any(c => c.CancellationTouchpointId == decided.CancellationTouchpointId)) return this;
        return new(CustomerId, [.. Cases, decided],
            FirstDecidedAt is { } first && first <= decided.DecidedAt ? first : decided.DecidedAt,
            LastDecidedAt is { } last && last >= decided.DecidedAt ? last : decided.DecidedAt);
    }

    private RetentionCases Settle(Func<RetentionCase, bool> answered, string outcome, DateTimeOffset at)
    {
        if (!Cases.Any(c => c.Outcome is null && answered(c))) return this;
        return this with { Cases = [.. Cases.Select(c => c.Outcome is null && answered(c) ? c with { Outcome = outcome, SettledAt = at } : c)] };
    }

    // Offers recorded before 2026-12-07 carry no tier: their rule's words and inputs name it.
    private static OfferTier? TierOf(RetentionOfferMade o) => o.Tier ?? OfferReason.TierOf(o.Rule ?? "", o.Inputs ?? new Dictionary<string, decimal>());

    // Read defensively: a decision's inputs are a dictionary whose keys the policy may change.
    private static decimal? ValueIn(IReadOnlyDictionary<string, decimal>? inputs) =>
        inputs is not null && inputs.TryGetValue("currentValue", out var value) ? value : null;

    /// <summary>"below-minimum (formula retention-ltv@0)" is the rule "below-minimum": the report counts rules, not formulas.</summary>
    public static string RuleName(string? rule) =>
        rule is null ? "unknown" : OfferReason.FormulaOf(rule) is { } formula ? rule[..^$" (formula {formula})".Length] : rule;
}
