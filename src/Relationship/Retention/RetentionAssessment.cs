using EventCrm.Relationship.Value;

namespace EventCrm.Relationship.Retention;

public abstract record RetentionDecision(string Rule, IReadOnlyDictionary<string, decimal> Inputs);

public sealed record OfferRetention(decimal Amount, decimal Cost, DateTimeOffset ExpiresAt, string Rule, IReadOnlyDictionary<string, decimal> Inputs,
    OfferTier Tier) : RetentionDecision(Rule, Inputs);

public sealed record LetGo(string Reason, string Rule, IReadOnlyDictionary<string, decimal> Inputs) : RetentionDecision(Rule, Inputs);

/// <summary>
/// Sizes the retention effort by the client's value: the decision, the rule that made it and
/// the inputs it used, all recorded with the resulting event.
/// </summary>
public static class RetentionAssessment
{
    /// <summary>Formulas that value revenue rather than margin; their value is turned into margin with the client's margin share.</summary>
    private static readonly HashSet<string> RevenueFormulas = ["simple-clv"];

    /// <param name="alreadySpent">
    /// What accepted offers have cost the client within the policy's cap window (<see cref="RetentionSpent.Within"/>): the
    /// cap holds for them and the new offer together.
    /// </param>
    public static RetentionDecision Decide(CustomerLedger ledger, CustomerValuation valuation, string formula, RetentionPolicy policy, DateTimeOffset now,
        decimal alreadySpent)
    {
        var current = valuation.Current.Value;
        var h = ledger.Historical;
        var marginShare = h.Revenue > 0 ? Math.Clamp(h.Margin / h.Revenue, 0, 1) : 0;
        var remainingMargin = Math.Round(RevenueFormulas.Contains(formula) ? current * marginShare : current, 2);
        var inputs = new Dictionary<string, decimal>
        {
            ["currentValue"] = current, ["expectedRemainingMargin"] = remainingMargin, ["historicalProfit"] = h.Profit,
            ["minimumCurrentValue"] = policy.MinimumCurrentValue, ["offerCapShare"] = policy.OfferCapShare,
        };

        if (current < 0)
            return new LetGo($"The client costs more than it brings (current value {current:N2}): a costly offer would only deepen the loss.",
                "negative-value", inputs);
        if (current < policy.MinimumCurrentValue)
            return new LetGo($"Current value {current:N2} is below the {policy.MinimumCurrentValue:N2} minimum for any retention offer.",
                "below-minimum", inputs);

        var tier = policy.Tiers.Where(t => current >= t.From).MaxBy(t => t.From);
        if (tier is null)
            return new LetGo($"Current value {current:N2} reaches no retention tier of the policy.", "no-tier", inputs);
        inputs["tierFrom"] = tier.From;
        inputs["tierShare"] = tier.Share;

        var tierOffer = Math.Round(remainingMargin * policy.OfferCapShare * tier.Share, 2);
        if (tierOffer <= 0)
            return new LetGo($"No margin is expected from the client any more (expected remaining margin {remainingMargin:N2}).", "no-margin", inputs);

        // The cap is the most retention may cost the client within the window, all offers accepted in it together: a client
        // retained who asks again is offered what is left of it, then nothing.
        var cap = remainingMargin * policy.OfferCapShare;
        var left = Math.Round(cap - alreadySpent, 2);
        inputs["spentWithinCapWindow"] = alreadySpent;
        inputs["capWindowDays"] = CapWindowDays(policy);
        inputs["capLeft"] = Math.Max(left, 0);
        if (left <= 0)
            return new LetGo(OfferReason.CapSpent(alreadySpent, CapWindowDays(policy), Math.Round(cap, 2), policy.OfferCapShare, remainingMargin),
                "cap-spent", inputs);

        var cost = Math.Min(tierOffer, left);
        var sizedBy = OfferTier.Of(tier, policy.OfferCapShare);
        return new OfferRetention(cost, cost, now + policy.OfferLifetime, OfferReason.Rule(sizedBy, cut: cost < tierOffer), inputs, sizedBy);
    }

    /// <summary>The window as recorded among a decision's inputs: days, to four decimals (365 by default).</summary>
    public static decimal CapWindowDays(RetentionPolicy policy) => Math.Round((decimal)policy.CapWindow.TotalDays, 4);

    /// <summary>
    /// The formula in force cannot value the client (bgnbd-gg before any refit, parameters its
    /// figures put out of range): no offer can be sized, and the desk is told why rather than left
    /// waiting for an assessment that would never come.
    /// </summary>
    public static LetGo Unvalued(CustomerLedger ledger, string formula, string why, RetentionPolicy policy) => new(
        $"The client's value cannot be computed under {formula} ({why}): no offer is sized without it; the desk decides.",
        "value-unavailable",
        new Dictionary<string, decimal>
        {
            ["historicalProfit"] = ledger.Historical.Profit, ["minimumCurrentValue"] = policy.MinimumCurrentValue, ["offerCapShare"] = policy.OfferCapShare,
        });
}
