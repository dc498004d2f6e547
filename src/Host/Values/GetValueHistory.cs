using EventCrm.Host.Access;
using Microsoft.AspNetCore.Authorization;
using EventCrm.Host.Customers;
using EventCrm.Host.Formulas;
using EventCrm.Host.Models;
using EventCrm.Relationship.Value;
using Marten;
using Wolverine.Http;

namespace EventCrm.Host.Values;

public sealed record ValuePoint(string TouchpointId, string Type, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt,
    decimal Revenue, decimal Profit, decimal Current, decimal Potential, string Tier);

public sealed record ValueHistoryView(string CustomerId, FormulaView Formula, DateTimeOffset? KnownAt, IReadOnlyList<ValuePoint> Points);

public static class GetValueHistoryEndpoint
{
    /// <summary>The customer's value after each touchpoint, in business-time order, each valued as of that touchpoint.</summary>
    [WolverineGet("/api/customers/{id}/value-history"), Authorize(Policy = Policies.Read)]
    public static async Task<IResult> Get(string id, string? formula, string? knownAt,
        IQuerySession session, FormulaRegistryStore formulas, PortfolioModels models, TimeProvider clock, CancellationToken ct)
    {
        var (query, problem) = await ValueQuery.ResolveAsync(formula, null, knownAt, formulas, models, clock, ct);
        if (problem is not null) return problem;

        var touchpoints = await ValueQuery.TouchpointsAsync(session, id, query!.KnownAt, ct);
        if (touchpoints.Count == 0) return GetCustomerEndpoint.UnknownCustomer(id);

        return GetCustomerValueEndpoint.Valuate(() =>
        {
            var ledger = CustomerLedger.Empty(id);
            var points = new List<ValuePoint>();
            foreach (var (touchpoint, type, _, recordedAt) in touchpoints.OrderBy(t => t.Touchpoint.OccurredAt).ThenBy(t => t.Version))
            {
                ledger = ledger.Record(touchpoint);
                var v = CustomerValuation.Of(ledger, touchpoint.OccurredAt, query.Formula, query.Model.Model);
                points.Add(new ValuePoint(touchpoint.TouchpointId, type, touchpoint.OccurredAt, recordedAt,
                    v.Historical.Revenue, v.Historical.Profit, v.Current.Value, v.Potential.Total, v.Tier));
            }
            return new ValueHistoryView(id, FormulaView.Of(query.Formula), query.KnownAt, points);
        });
    }
}
