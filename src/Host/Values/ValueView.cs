using EventCrm.Host.Formulas;
using EventCrm.Relationship.Value;

namespace EventCrm.Host.Values;

public sealed record CostsView(decimal Acquisition, decimal Support, decimal Visits, decimal Promotions, decimal Retention);

public sealed record HistoricalView(decimal Revenue, decimal Margin, CostsView Costs, decimal Profit)
{
    public static HistoricalView Of(HistoricalValue h) => new(h.Revenue, h.Margin,
        new CostsView(h.Costs.Acquisition, h.Costs.Support, h.Costs.Visits, h.Costs.Promotions, h.Costs.Retention), h.Profit);
}

public sealed record PotentialView(decimal Total, decimal ShareOfWalletGap, decimal CrossSell);

public sealed record ModelUsedView(DateTimeOffset? FittedAt, DateTimeOffset? AsOf);

/// <summary>The answer of GET /api/customers/{id}/value (and of a replay's customer read).</summary>
public sealed record ValueView(
    string CustomerId, DateTimeOffset AsOf, DateTimeOffset? KnownAt, FormulaView Formula, HistoricalView Historical,
    decimal Current, PotentialView Potential, string Tier, IReadOnlyDictionary<string, decimal> Inputs, string? Note,
    int TouchpointsCounted, ModelUsedView Model)
{
    public static ValueView Of(string customerId, ValueQuery query, CustomerValuation v, int touchpoints) => new(
        customerId, query.AsOf, query.KnownAt, FormulaView.Of(query.Formula), HistoricalView.Of(v.Historical), v.Current.Value,
        new PotentialView(v.Potential.Total, v.Potential.ShareOfWalletGap, v.Potential.CrossSell), v.Tier,
        v.Current.Inputs.ToDictionary(i => i.Key, i => Math.Round(i.Value, 6)), v.Current.Note, touchpoints,
        new ModelUsedView(query.Model.FittedAt, query.Model.AsOf));
}
