using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

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
        var bought = ledger.CategoriesBought();
        var crossSell = peerMargins
            .Where(category => !bought.Contains(category.Key))
            .Sum(category => ChanceOfBuying(category.Key, bought, model) * Math.Max(0, category.Value));

        return new(Math.Round(gap + crossSell, 2), Math.Round(gap, 2), Math.Round(crossSell, 2));
    }

    /// <summary>
    /// P(c | categories bought): among the customers of the refit who bought every one of them, the
    /// share who also bought c, exact (a count over a count, as domain.md defines it: rounding it
    /// first would move the cross-sell by cents); the category's share among buyers for
    /// someone who bought nothing yet. Where no customer of the refit bought them all (or the model
    /// predates the baskets), the strongest association from any one category bought.
    /// </summary>
    public static decimal ChanceOfBuying(string category, IReadOnlySet<string> bought, PortfolioModel model)
    {
        if (bought.Count == 0) return model.CategoryShare.GetValueOrDefault(category);
        if (model.Baskets is { } baskets && BuyersOfAll(baskets, bought) is { All: > 0 } buyers)
            return (decimal)buyers.Also.GetValueOrDefault(category) / buyers.All;
        return bought.Max(b => model.CategoryAffinity.GetValueOrDefault(b)?.GetValueOrDefault(category) ?? 0);
    }

    private sealed record Buyers(int All, IReadOnlyDictionary<string, int> Also);

    /// <summary>
    /// The refit's customers who bought every category of the set, and how many of them bought
    /// each category: worked out once per model and set, as a replay values many customers alike.
    /// </summary>
    private static Buyers BuyersOfAll(IReadOnlyList<CategoryBasket> baskets, IReadOnlySet<string> bought) =>
        BuyersBySet.GetOrCreateValue(baskets).GetOrAdd(string.Join('\u001f', bought.Order(StringComparer.Ordinal)), _ =>
        {
            var (all, also) = (0, new Dictionary<string, int>());
            foreach (var basket in baskets.Where(b => bought.All(b.Categories.Contains)))
            {
                all += basket.Customers;
                foreach (var category in basket.Categories) also[category] = also.GetValueOrDefault(category) + basket.Customers;
            }
            return new Buyers(all, also);
        });

    private static readonly ConditionalWeakTable<IReadOnlyList<CategoryBasket>, ConcurrentDictionary<string, Buyers>> BuyersBySet = new();
}
