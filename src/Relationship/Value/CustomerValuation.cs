namespace EventCrm.Relationship.Value;

/// <summary>Historical, current and potential value of one customer as of a date, with the inputs behind them.</summary>
public sealed record CustomerValuation(
    HistoricalValue Historical, CurrentValueResult Current, PotentialValueResult Potential, string Tier)
{
    public static CustomerValuation Of(CustomerLedger ledger, DateTimeOffset asOf, FormulaChoice formula, PortfolioModel model)
    {
        var current = CurrentValue.Of(formula, ledger, asOf, model);
        var churned = ledger.State() is Lifecycle.CustomerStates.Churned;
        return new CustomerValuation(ledger.Historical, current, PotentialValue.Of(ledger, current.Value, model),
            ValueTier.Of(current.Value, churned, model));
    }
}
