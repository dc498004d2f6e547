namespace EventCrm.Relationship.Portfolio;

/// <summary>
/// How concentrated revenue and profit are (seeds 001 and 002). Shares are fractions of the
/// portfolio total, to 4 decimals (half to even); see <see cref="Pareto"/> for how they read
/// when profits are negative.
/// </summary>
/// <param name="TopCustomers">ceil(topShare x Customers); revenue share ranks by revenue, profit share by profit.</param>
public sealed record ParetoAnalysis(
    int Customers,
    int TopCustomers,
    decimal RevenueShareOfTop,
    decimal ProfitShareOfTop,
    IReadOnlyList<ConcentrationPoint> RevenueCurve,
    IReadOnlyList<ConcentrationPoint> ProfitCurve);

/// <summary>The best <paramref name="CustomerShare"/> of customers bring <paramref name="ValueShare"/> of the total.</summary>
public sealed record ConcentrationPoint(decimal CustomerShare, decimal ValueShare);
