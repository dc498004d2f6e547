namespace EventCrm.Relationship.Value;

public sealed record PotentialValueResult(decimal Total, decimal ShareOfWalletGap, decimal CrossSell);

/// <summary>
/// What the customer could bring if its behaviour changed (domain.md): the gap to what its
/// segment's better customers are worth (80th percentile), plus, for each category it has not
/// bought, the chance it would (given what it has bought) times a year of peers' margin there.
/// </summary>
public static class PotentialValue
{
    public static PotentialValueResult Of(CustomerLedger ledger, decimal currentValue, PortfolioModel model)
    {
        if (ledger.State() is Lifecycle.CustomerStates.Churned) return new(0, 0, 0);

        var segment = ledger.Segment ?? "";
        // Without peers to compare with, there is no gap to measure (not a gap to zero).
        var gap = model.SegmentBenchmarks.TryGetValue(segment, out var benchmark) ? Math.Max(0, benchmark - currentValue) : 0;

        var peerMargins = model.SegmentCategoryMargin.GetValueOrDefault(segment);
        if (peerMargins is null || peerMargins.Count == 0) return new(Math.Round(gap, 2), Math.Round(gap, 2), 0);
        var bought = ledger.Purchases.Select(p => p.Category).ToHashSet();
        var crossSell = peerMargins
            .Where(category => !bought.Contains(category.Key))
            .Sum(category => ChanceOfBuying(category.Key, bought, model) * Math.Max(0, category.Value));

        return new(Math.Round(gap + crossSell, 2), Math.Round(gap, 2), Math.Round(crossSell, 2));
    }

    /// <summary>
    /// P(c | categories bought): the strongest association from any category bought, or the
    /// category's share among buyers for someone who bought nothing yet.
    /// </summary>
    public static decimal ChanceOfBuying(string category, IReadOnlySet<string> bought, PortfolioModel model) =>
        bought.Count == 0
            ? model.CategoryShare.GetValueOrDefault(category)
            : bought.Max(b => model.CategoryAffinity.GetValueOrDefault(b)?.GetValueOrDefault(category) ?? 0);
}
