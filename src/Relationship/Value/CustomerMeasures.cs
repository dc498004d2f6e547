namespace EventCrm.Relationship.Value;

/// <summary>
/// A customer's own rates, measured from its ledger as of a date: the estimates docs/value.md
/// defines for each formula input.
/// </summary>
public sealed record CustomerMeasures(
    decimal TenureYears, int Purchases, decimal AverageOrderValue, decimal PurchasesPerYear, decimal MarginPerPurchase,
    decimal MarginPerYear, decimal DevelopmentCostPerYear, decimal RetentionCostPerYear, decimal MarginShare)
{
    /// <summary>A customer seen for a few days would otherwise get absurd yearly rates.</summary>
    public const decimal MinimumTenureYears = 0.25m;

    public decimal NetMarginPerYear => MarginPerYear - DevelopmentCostPerYear - RetentionCostPerYear;

    public static CustomerMeasures Of(CustomerLedger ledger, DateTimeOffset asOf, PortfolioModel model)
    {
        var start = ledger.RelationshipStart() ?? asOf;
        var tenure = Math.Max(MinimumTenureYears, (decimal)(asOf - start).TotalDays / 365.25m);
        var h = ledger.Historical;
        var purchases = ledger.PurchaseCount();
        return new CustomerMeasures(
            TenureYears: tenure,
            Purchases: purchases,
            AverageOrderValue: purchases == 0 ? 0 : h.Revenue / purchases,
            PurchasesPerYear: purchases / tenure,
            MarginPerPurchase: purchases == 0 ? 0 : h.Margin / purchases,
            MarginPerYear: h.Margin / tenure,
            DevelopmentCostPerYear: (h.Costs.Promotions + h.Costs.Visits) / tenure,
            // Accepted retention offers are one-off costs (in the historical profit), not a yearly rate.
            RetentionCostPerYear: h.Costs.Support / tenure,
            MarginShare: h.Revenue > 0 ? Math.Clamp(h.Margin / h.Revenue, 0, 1) : model.MarginShare);
    }
}
