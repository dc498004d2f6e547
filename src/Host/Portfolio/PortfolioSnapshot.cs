using EventCrm.Host.Formulas;
using EventCrm.Relationship.Portfolio;

namespace EventCrm.Host.Portfolio;

/// <summary>
/// One valuation of the whole base: every customer's figures at <paramref name="AsOf"/> (when it was made), and the
/// value quadrants ranked once, in the background with the valuation, so that no request pays the sort of the base.
/// </summary>
public sealed record PortfolioSnapshot(
    DateTimeOffset AsOf, FormulaView Formula, DateTimeOffset? ModelFittedAt, IReadOnlyList<PortfolioCustomer> Customers,
    RankedQuadrants Quadrants)
{
    /// <summary>The quadrants rank every customer (prospects are not customers).</summary>
    public static PortfolioSnapshot Of(DateTimeOffset asOf, FormulaView formula, DateTimeOffset? modelFittedAt, IReadOnlyList<PortfolioCustomer> customers) =>
        new(asOf, formula, modelFittedAt, customers, ValueQuadrants.Rank(customers.Where(c => c.HasEverBeenCustomer())));

    /// <summary>
    /// The same valuation with one customer's name and email as its profile now has them (an erasure's "[erased]"):
    /// nothing ranks by them, so every list keeps its order and only that customer's entries are replaced.
    /// </summary>
    public PortfolioSnapshot WithIdentity(string customerId, string? name, string? email)
    {
        PortfolioCustomer Renamed(PortfolioCustomer c) => c.CustomerId == customerId ? c with { Name = name, Email = email } : c;
        if (!Customers.Any(c => c.CustomerId == customerId)) return this;
        return this with
        {
            Customers = Customers.Select(Renamed).ToList(),
            Quadrants = Quadrants with
            {
                Members = Quadrants.Members.ToDictionary(q => q.Key,
                    q => q.Value.Any(c => c.CustomerId == customerId) ? (IReadOnlyList<PortfolioCustomer>)q.Value.Select(Renamed).ToList() : q.Value),
            },
        };
    }
}
