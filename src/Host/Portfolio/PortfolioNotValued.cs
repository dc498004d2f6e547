namespace EventCrm.Host.Portfolio;

/// <summary>
/// The customers a valuation could not value and counted as current 0 and potential 0 (docs/value.md, section 11), by why:
/// a portfolio of zeros under bgnbd-gg before any refit must say so, not pass for a base worth nothing.
/// </summary>
/// <param name="Customers">How many, all reasons together.</param>
/// <param name="Reasons">How many for each reason (<see cref="ModelNotFitted"/>, <see cref="NotComputable"/>, <see cref="BeyondPortfolioLimit"/>), only those met.</param>
public sealed record PortfolioNotValued(int Customers, IReadOnlyDictionary<string, int> Reasons)
{
    /// <summary>bgnbd-gg without its models fitted (no refit yet, and none of its numbers given).</summary>
    public const string ModelNotFitted = "model-not-fitted";

    /// <summary>The formula cannot value the customer with its figures (a parameter out of range, arithmetic beyond a decimal).</summary>
    public const string NotComputable = "not-computable";

    /// <summary>A current or potential value of 10^21 or more in size, more than the portfolio's sums can add up.</summary>
    public const string BeyondPortfolioLimit = "beyond-portfolio-limit";

    public static PortfolioNotValued Of(IEnumerable<IReadOnlyDictionary<string, int>> counts)
    {
        var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (reason, customers) in counts.SelectMany(c => c))
            reasons[reason] = reasons.GetValueOrDefault(reason) + customers;
        return new PortfolioNotValued(reasons.Values.Sum(), reasons);
    }

    /// <summary>"model-not-fitted 3, beyond-portfolio-limit 1", or "none": for the log.</summary>
    public override string ToString() =>
        Customers == 0 ? "none" : string.Join(", ", Reasons.Select(r => $"{r.Key} {r.Value:N0}"));
}
