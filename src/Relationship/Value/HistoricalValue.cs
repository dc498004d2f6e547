namespace EventCrm.Relationship.Value;

/// <summary>What serving the customer has cost, by kind (domain.md, "Historical value").</summary>
public sealed record CostBreakdown(decimal Acquisition, decimal Support, decimal Visits, decimal Promotions, decimal Retention)
{
    public static readonly CostBreakdown None = new(0, 0, 0, 0, 0);
    public decimal Total => Acquisition + Support + Visits + Promotions + Retention;
}

/// <summary>
/// What the customer has actually brought: revenue = purchases - refunds, margin = purchase
/// margins - refund margins, profit = margin - every cost.
/// </summary>
public sealed record HistoricalValue(decimal Revenue, decimal Margin, CostBreakdown Costs)
{
    public decimal Profit => Margin - Costs.Total;
}
