namespace EventCrm.Relationship.Portfolio;

/// <summary>
/// Share of revenue and of profit made by the top customers, and the full concentration curves.
/// </summary>
/// <remarks>
/// Revenue and profit rank customers separately: seed 001's point is that the most profitable
/// customers are not those with the most revenue, so the "top 20%" is a different set of
/// customers for each share.
///
/// Profit can be negative (some customers cost more to serve than they bring). Each share is
/// still taken over the portfolio's total profit, so the top customers' share may exceed 100%:
/// a top 20% at 150% means the other 80% destroy half of what the top earn, and the profit curve
/// rises above 1 then falls back to 1 (the "whale curve"). When the total itself is a loss, the
/// shares are taken over its absolute value so that a sign still says earning or losing: the
/// curve then ends at -1. A zero total gives zero shares rather than a division by zero.
/// </remarks>
public static class Pareto
{
    public static ParetoAnalysis Of(IEnumerable<PortfolioCustomer> customers, decimal topShare = 0.2m)
    {
        if (topShare is < 0m or > 1m)
            throw new ArgumentOutOfRangeException(nameof(topShare), topShare, "must be a fraction from 0 to 1");

        var list = customers.ToList();
        var top = ConcentrationCurve.TopCount(list.Count, topShare);
        var revenues = Descending(list.Select(c => c.Revenue));
        var profits = Descending(list.Select(c => c.Profit));

        return new ParetoAnalysis(
            list.Count, top,
            ConcentrationCurve.ShareOfTop(revenues, top), ConcentrationCurve.ShareOfTop(profits, top),
            ConcentrationCurve.Of(revenues), ConcentrationCurve.Of(profits));
    }

    private static IReadOnlyList<decimal> Descending(IEnumerable<decimal> values) =>
        values.OrderByDescending(v => v).ToList();
}
