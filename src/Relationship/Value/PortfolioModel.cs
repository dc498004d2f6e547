namespace EventCrm.Relationship.Value;

/// <summary>The customers whose purchases, as of a refit, span exactly these categories (sorted).</summary>
public sealed record CategoryBasket(IReadOnlyList<string> Categories, int Customers);

/// <summary>
/// What the whole customer base says about any one customer: how long customers stay, how they
/// buy (the fitted BG/NBD and Gamma-Gamma models), what their peers are worth and which
/// categories sell together. Fitted over the base by a refit, recorded as an event, and used as
/// the estimate for every input a formula's parameters leave open (docs/value.md).
/// </summary>
public sealed record PortfolioModel(
    decimal AnnualRetentionRate,
    decimal MarginShare,
    BgNbdParameters? Purchases,
    GammaGammaParameters? Spend,
    /// <summary>80th-percentile current value by segment: the share-of-wallet benchmark.</summary>
    IReadOnlyDictionary<string, decimal> SegmentBenchmarks,
    /// <summary>P(category c | bought b), as [b][c].</summary>
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, decimal>> CategoryAffinity,
    /// <summary>P(category c) among buyers: the cross-sell chance for someone who bought nothing yet.</summary>
    IReadOnlyDictionary<string, decimal> CategoryShare,
    /// <summary>Peers' average yearly margin per buyer of a category, as [segment][category].</summary>
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, decimal>> SegmentCategoryMargin,
    /// <summary>Current values at or above these are the high and medium tiers.</summary>
    decimal HighTierFrom,
    decimal MediumTierFrom,
    /// <summary>
    /// How many customers bought exactly each set of categories: P(c | every category bought) is
    /// read from them. Null in models fitted before 2026-12-05, whose cross-sell took the strongest
    /// association from one category bought (<see cref="CategoryAffinity"/>).
    /// </summary>
    IReadOnlyList<CategoryBasket>? Baskets = null)
{
    /// <summary>Before any refit: a 75% yearly retention, the margin share of a typical distributor, no benchmarks.</summary>
    public static readonly PortfolioModel Default = new(0.75m, 0.3m, null, null,
        new Dictionary<string, decimal>(), new Dictionary<string, IReadOnlyDictionary<string, decimal>>(),
        new Dictionary<string, decimal>(), new Dictionary<string, IReadOnlyDictionary<string, decimal>>(), 0, 0);
}
