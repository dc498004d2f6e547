using EventCrm.Host.Formulas;
using EventCrm.Host.Access;
using Microsoft.AspNetCore.Authorization;
using EventCrm.Host.Customers;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Models;
using EventCrm.Projections.Values;
using EventCrm.Relationship.Value;
using Marten;
using Wolverine.Http;

namespace EventCrm.Host.Values;

public static class GetCustomerValueEndpoint
{
    /// <summary>
    /// Historical, current and potential value, always up to date with the last acknowledged
    /// touchpoint, whatever the daemon's lag: as of a moment after every touchpoint (now, by default)
    /// from the ledger the daemon keeps plus the events since; otherwise from the latest value checkpoint
    /// all of whose touchpoints count, plus the counted ones after it; without one, folded from the stream.
    /// </summary>
    [WolverineGet("/api/customers/{id}/value"), Authorize(Policy = Policies.Read)]
    [Answers(200, "The customer's historical, current and potential value.", Body = typeof(ValueView))]
    [Answers(400, "An unparseable asOf or knownAt, an asOf or knownAt after today, or a formula not of the form name@version; errors names it.")]
    [Answers(404, "An unknown customer (or none of its touchpoints recorded by knownAt), or an unknown formula or version.")]
    [Answers(409, "bgnbd-gg without fitted BG/NBD and Gamma-Gamma models.")]
    [Answers(422, "The formula cannot be computed for these inputs; the detail says why.")]
    public static async Task<IResult> Get(string id, string? formula, string? asOf, string? knownAt,
        IQuerySession session, FormulaRegistryStore formulas, PortfolioModels models, TimeProvider clock, CancellationToken ct)
    {
        var (query, problem) = await ValueQuery.ResolveAsync(formula, asOf, knownAt, formulas, models, clock, ct);
        if (problem is not null) return problem;

        // As the customer stands now, with every touchpoint counted: the ledger the daemon keeps, moved on by the latest events
        // (when the daemon is not more than a checkpoint's worth behind the customer: past that, the checkpoints read less), when
        // its summary places each by itself. One that needs the stream's word (a back-dated purchase or state change, a refund of
        // an order the summary does not keep) is left to the checkpoints: written once, they hold it, and a refund is valued
        // without its order (a 50,000-event account behind by a block of 1,000: 12-21 ms a read, against 60-320 ms for the
        // look-ups the retention read makes; docs/performance.md, "The kept ledger's look-ups").
        if (query!.KnownAt is null
            && await KeptLedger.ReadAsync(session, id, ct, atMostLater: ValueCheckpoints.Every, withLookups: false) is { LastSeenAt: { } last } kept
            && last <= query.AsOf)
            return Valuate(query, () =>
            {
                var valuation = CustomerValuation.Of(kept, query.AsOf, query.Formula, query.Model.Model);
                return ValueView.Of(id, query, valuation, kept.Touchpoints, OutlookView.For(kept, query, valuation));
            });

        // As of a past date or as known then: from the latest checkpoint (written by this read when missing), moved on by the counted touchpoints after it.
        if (await CheckpointedLedger.ReadAsync(session, id, query.AsOf, query.KnownAt, ct) is { } checkpointed)
            return Valuate(query, () =>
            {
                var valuation = CustomerValuation.Of(checkpointed, query.AsOf, query.Formula, query.Model.Model);
                return ValueView.Of(id, query, valuation, checkpointed.Touchpoints, OutlookView.For(checkpointed, query, valuation));
            });

        return await FoldedFromTheWholeStream(session, id, query, ct);
    }

    /// <summary>The answer folded from the customer's whole stream: what every shorter path must answer, to the byte (the scenarios compare them).</summary>
    public static async Task<IResult> FoldedFromTheWholeStream(IQuerySession session, string id, ValueQuery query, CancellationToken ct)
    {
        var (touchpoints, unknown) = await ValueQuery.TouchpointsAsync(session, id, query.KnownAt, ct);
        if (unknown is not null) return unknown;

        var counted = touchpoints.Where(t => t.Touchpoint.OccurredAt <= query.AsOf).Select(t => t.Touchpoint).ToList();
        return Valuate(query, () =>
        {
            var ledger = FoldedLedger.Of(id, counted);
            var valuation = CustomerValuation.Of(ledger, query.AsOf, query.Formula, query.Model.Model);
            return ValueView.Of(id, query, valuation, counted.Count, OutlookView.For(ledger, query, valuation));
        });
    }

    /// <summary>Formula failures are the caller's or the model's state, never a server error.</summary>
    public static IResult Valuate<T>(ValueQuery query, Func<T> valuate)
    {
        try
        {
            return Results.Ok(valuate());
        }
        catch (ModelNotFittedException) when (query is { KnownAt: { } knownAt, Model.FittedAt: null })
        {
            // Refitting now would not help: a read of the past uses the model known then.
            return Problems.Conflict($"No portfolio model was known at knownAt {knownAt:O} (none had been fitted by then), and " +
                                     $"{query.Formula} needs the BG/NBD and Gamma-Gamma fits: ask with a later knownAt, or use a formula version " +
                                     "that gives r, alpha, a, b, p, q and gamma explicitly.");
        }
        catch (ModelNotFittedException e)
        {
            return Problems.Conflict(e.Message);
        }
        catch (FormulaParameterException e)
        {
            return Problems.Unprocessable(e.Message);
        }
    }
}
