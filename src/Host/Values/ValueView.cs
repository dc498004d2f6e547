using EventCrm.Host.Formulas;
using EventCrm.Relationship.Value;
using EventCrm.Relationship;

namespace EventCrm.Host.Values;

public sealed record CostsView(decimal Acquisition, decimal Support, decimal Visits, decimal Promotions, decimal Retention);

public sealed record HistoricalView(decimal Revenue, decimal Margin, CostsView Costs, decimal Profit)
{
    public static HistoricalView Of(HistoricalValue h) => new(h.Revenue, h.Margin,
        new CostsView(h.Costs.Acquisition, h.Costs.Support, h.Costs.Visits, h.Costs.Promotions, h.Costs.Retention), h.Profit);
}

public sealed record PotentialView(decimal Total, decimal ShareOfWalletGap, decimal CrossSell);

public sealed record ModelUsedView(DateTimeOffset? FittedAt, DateTimeOffset? AsOf);

/// <summary>The customer's BG/NBD and Gamma-Gamma predictions (<see cref="PurchaseOutlook"/>), rounded to 6 decimals.</summary>
/// <param name="RepeatPurchases">
/// BG/NBD's x: the days with a purchase after the first, as of asOf. 0 says that ProbabilityAlive is 1 because
/// nothing could be judged yet, not because the client is sure to be active (docs/value.md, section 13).
/// </param>
public sealed record OutlookView(decimal HorizonWeeks, decimal ExpectedPurchases, decimal ProbabilityAlive, decimal ExpectedValuePerPurchase,
    int RepeatPurchases)
{
    /// <summary>
    /// Null without fitted (or given) models, and for a customer the formula expects nothing of (a
    /// churned customer, a prospect): the models do not know what the touchpoints say.
    /// </summary>
    public static OutlookView? For(CustomerLedger ledger, ValueQuery query, CustomerValuation valuation)
    {
        if (valuation.Current.Note is not null) return null;
        if (PurchaseOutlook.ParametersFor(query.Formula, valuation.Current, query.Model.Model) is not { } parameters) return null;
        var o = PurchaseOutlook.Of(ledger, query.AsOf, parameters);
        return new OutlookView(Round(o.HorizonWeeks), Round(o.ExpectedPurchases), Round(o.ProbabilityAlive), Round(o.ExpectedValuePerPurchase), o.RepeatPurchases);
    }

    private static decimal Round(double value) => Math.Round((decimal)value, 6);
}

/// <summary>The answer of GET /api/customers/{id}/value (and of a replay's customer read).</summary>
public sealed record ValueView(
    string CustomerId, DateTimeOffset AsOf, DateTimeOffset? KnownAt, FormulaView Formula, HistoricalView Historical,
    decimal Current, PotentialView Potential, [property: Words(typeof(ValueTier))] string Tier, IReadOnlyDictionary<string, decimal> Inputs, string? Note,
    int TouchpointsCounted, ModelUsedView Model, OutlookView? Outlook)
{
    public static ValueView Of(string customerId, ValueQuery query, CustomerValuation v, int touchpoints, OutlookView? outlook) => new(
        customerId, query.AsOf, query.KnownAt, FormulaView.Of(query.Formula), HistoricalView.Of(v.Historical), v.Current.Value,
        new PotentialView(v.Potential.Total, v.Potential.ShareOfWalletGap, v.Potential.CrossSell), v.Tier,
        v.Current.Inputs.ToDictionary(i => i.Key, i => Math.Round(i.Value, 6)), v.Current.Note, touchpoints,
        new ModelUsedView(query.Model.FittedAt, query.Model.AsOf), outlook);
}
