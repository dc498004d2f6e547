namespace EventCrm.Relationship.Portfolio;

/// <summary>
/// Splits customers into four quadrants by current value and potential value (seed 002).
/// </summary>
/// <remarks>
/// Each threshold is the median over the customers passed, so the split is relative to this
/// portfolio (half the customers are "high" on each axis, give or take ties) and needs no
/// business-chosen cut-off. A value equal to the median counts as high, so customers tied at
/// the median stay together.
/// </remarks>
public static class ValueQuadrants
{
    public static ValueQuadrantAnalysis Of(IEnumerable<PortfolioCustomer> customers) => Summarise(Rank(customers));

    /// <summary>The thresholds and each quadrant's customers, ranked (<see cref="RankedQuadrants"/>).</summary>
    public static RankedQuadrants Rank(IEnumerable<PortfolioCustomer> customers)
    {
        var list = customers.ToList();
        var valueThreshold = Median(list.Select(c => c.CurrentValue));
        var potentialThreshold = Median(list.Select(c => c.PotentialValue));
        // The thresholds are null only without customers, when there is nobody to place.
        var byQuadrant = list.ToLookup(c => QuadrantOf(c, valueThreshold!.Value, potentialThreshold!.Value));
        return new RankedQuadrants(valueThreshold, potentialThreshold,
            ValueQuadrantNames.All.ToDictionary(name => name, name => Ranked(byQuadrant[name])));
    }

    /// <summary>Each quadrant's count and totals over all its customers, listing the first <paramref name="listed"/> of them (all when null).</summary>
    public static ValueQuadrantAnalysis Summarise(RankedQuadrants ranked, int? listed = null) =>
        new(ranked.CurrentValueThreshold, ranked.PotentialValueThreshold,
            ValueQuadrantNames.All.Select(name => Summarise(name, ranked.Members[name], listed ?? int.MaxValue)).ToList());

    /// <summary>The middle value, or the mean of the two middle values for an even count.</summary>
    private static decimal? Median(IEnumerable<decimal> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) return null;
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : Mean(sorted[middle - 1], sorted[middle]);
    }

    // Two values each within a decimal's range may add up beyond it: halved first then, to the same mean.
    private static decimal Mean(decimal a, decimal b)
    {
        try
        {
            return (a + b) / 2m;
        }
        catch (OverflowException)
        {
            return a / 2m + b / 2m;
        }
    }

    private static string QuadrantOf(PortfolioCustomer customer, decimal valueThreshold, decimal potentialThreshold) =>
        (customer.CurrentValue >= valueThreshold, customer.PotentialValue >= potentialThreshold) switch
        {
            (true, true) => ValueQuadrantNames.HighValueHighPotential,
            (true, false) => ValueQuadrantNames.HighValueLowPotential,
            (false, true) => ValueQuadrantNames.LowValueHighPotential,
            (false, false) => ValueQuadrantNames.LowValueLowPotential,
        };

    /// <summary>Worth most now first (then most to win, then by id): a page showing the first few shows those that matter most.</summary>
    private static IReadOnlyList<PortfolioCustomer> Ranked(IEnumerable<PortfolioCustomer> members) =>
        members.OrderByDescending(c => c.CurrentValue).ThenByDescending(c => c.PotentialValue)
            .ThenBy(c => c.CustomerId, StringComparer.Ordinal).ToList();

    private static ValueQuadrant Summarise(string name, IReadOnlyList<PortfolioCustomer> ranked, int listed) =>
        new(name, ranked.Count, ranked.Sum(c => c.CurrentValue), ranked.Sum(c => c.PotentialValue),
            ranked.Take(listed).Select(c => c.CustomerId).ToList(), ranked.Take(listed).Select(c => new QuadrantMember(c.CustomerId, c.Name)).ToList());
}
