namespace EventCrm.Relationship.Portfolio;

/// <summary>Cumulative shares of a total over values already sorted from largest to smallest.</summary>
internal static class ConcentrationCurve
{
    // Below this many customers a percentile grid would repeat points; one point per customer
    // draws the exact curve. At exactly 100 both grids are the same.
    private const int PercentilePoints = 100;

    /// <summary>How many customers make the top <paramref name="share"/>: rounded up, so a top 20% of 6 is 2.</summary>
    public static int TopCount(int customers, decimal share) => (int)Math.Ceiling(share * customers);

    public static decimal ShareOfTop(IReadOnlyList<decimal> descending, int top) =>
        Share(descending.Take(top).Sum(), descending.Sum());

    /// <summary>
    /// Starts at the origin and ends at the whole base. With 100 customers or more, one point per
    /// percentile p, standing for the top ceil(p% x n) customers: the same rounding as the
    /// headline top share, so the curve at 20% reads the same figure. No customers, no curve.
    /// </summary>
    public static IReadOnlyList<ConcentrationPoint> Of(IReadOnlyList<decimal> descending)
    {
        var n = descending.Count;
        if (n == 0) return [];

        var cumulative = new decimal[n + 1];
        for (var k = 0; k < n; k++) cumulative[k + 1] = cumulative[k] + descending[k];
        var total = cumulative[n];

        if (n < PercentilePoints)
            return Enumerable.Range(0, n + 1)
                .Select(k => new ConcentrationPoint(Fraction.Rounded((decimal)k / n), Share(cumulative[k], total)))
                .ToList();

        return Enumerable.Range(0, PercentilePoints + 1)
            .Select(p => (decimal)p / PercentilePoints)
            .Select(share => new ConcentrationPoint(share, Share(cumulative[TopCount(n, share)], total)))
            .ToList();
    }

    // Over the absolute total so that a loss-making portfolio keeps the sign of each part (see Pareto).
    private static decimal Share(decimal part, decimal total) => total == 0m ? 0m : Fraction.Rounded(part / Math.Abs(total));
}
