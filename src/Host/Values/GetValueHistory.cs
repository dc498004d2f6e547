using EventCrm.Host.Infrastructure;
using EventCrm.Host.Access;
using Microsoft.AspNetCore.Authorization;
using EventCrm.Host.Customers;
using EventCrm.Host.Formulas;
using EventCrm.Host.Models;
using EventCrm.Relationship.Value;
using Marten;
using Wolverine.Http;
using EventCrm.Relationship;

namespace EventCrm.Host.Values;

/// <param name="Formula">The formula this point is valued under, as name@version.</param>
public sealed record ValuePoint(string TouchpointId, string Type, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt,
    decimal Revenue, decimal Profit, decimal Current, decimal Potential, [property: Words(typeof(ValueTier))] string Tier, string Formula);

/// <param name="Formula">The one formula of every point; null for <c>formula=of-the-time</c>, where each point names its own.</param>
/// <param name="Total">How many points the whole history has (the touchpoints known at knownAt).</param>
public sealed record ValueHistoryView(string CustomerId, FormulaView? Formula, DateTimeOffset? KnownAt, [property: Words(typeof(TouchpointPage))] string Order, int Page, int PageSize, int Total,
    IReadOnlyList<ValuePoint> Points);

public static class GetValueHistoryEndpoint
{
    /// <summary>Each point under the formula in force, the model and the touchpoints known when its touchpoint was recorded: what the service showed then.</summary>
    public const string OfTheTime = FormulaRegistry.OfTheTime;

    /// <summary>
    /// The customer's value after each touchpoint, in business-time order, each valued as of that
    /// touchpoint: a page of them (<see cref="TouchpointPage"/>). A point's ledger holds every
    /// touchpoint before it, so the stream is folded up to the page's end; only the page's points are valued.
    /// </summary>
    [WolverineGet("/api/customers/{id}/value-history"), Authorize(Policy = Policies.Read)]
    [Answers(200, "A page of the customer's value after each touchpoint, from the oldest or the newest.", Body = typeof(ValueHistoryView))]
    [Answers(400, "An unparseable knownAt or one after today, a formula not of the form name@version, or a page, pageSize or order out of range; errors names it.")]
    [Answers(404, "An unknown customer or formula.")]
    [Answers(409, "A point's formula cannot be computed: bgnbd-gg without fitted models.")]
    [Answers(422, "A point's formula parameters do not fit the ledger; the detail says why.")]
    [Pages(TouchpointPage.DefaultSize, TouchpointPage.MaxSize)]
    public static Task<IResult> Get(string id, string? formula, string? knownAt, int? page, int? pageSize, [Words(typeof(TouchpointPage))] string? order,
        IQuerySession session, FormulaRegistryStore formulas, PortfolioModels models, TimeProvider clock, CancellationToken ct) =>
        ReadAsync(id, formula, knownAt, page, pageSize, order, session, formulas, models, clock, fromCheckpoints: true, ct);

    /// <summary>
    /// The same page sorted from the whole stream, never read from the checkpoints: what a page read from them must be, to the byte
    /// (the scenarios of large accounts compare the two). Not a route.
    /// </summary>
    public static Task<IResult> SortedFromTheWholeStream(string id, string? formula, string? knownAt, int? page, int? pageSize, string? order,
        IQuerySession session, FormulaRegistryStore formulas, PortfolioModels models, TimeProvider clock, CancellationToken ct) =>
        ReadAsync(id, formula, knownAt, page, pageSize, order, session, formulas, models, clock, fromCheckpoints: false, ct);

    private static async Task<IResult> ReadAsync(string id, string? formula, string? knownAt, int? page, int? pageSize, string? order,
        IQuerySession session, FormulaRegistryStore formulas, PortfolioModels models, TimeProvider clock, bool fromCheckpoints, CancellationToken ct)
    {
        var (asked, badPage) = TouchpointPage.Read(page, pageSize, order);
        if (badPage is not null) return badPage;
        var ofTheTime = formula == OfTheTime;
        var (query, problem) = await ValueQuery.ResolveAsync(ofTheTime ? null : formula, null, knownAt, formulas, models, clock, ct);
        if (problem is not null) return problem;

        var formulaAt = ofTheTime ? (await formulas.LoadAsync(ct)).InForceAt : (Func<DateTimeOffset?, FormulaInForce>?)null;
        var modelAt = ofTheTime ? await models.KnownOverTimeAsync(ct) : null;
        (FormulaChoice, PortfolioModel) ValuedUnder(DateTimeOffset recordedAt) =>
            ofTheTime ? (formulaAt!(recordedAt).Formula, modelAt!(recordedAt).Model) : (query!.Formula, query.Model.Model);
        ValueHistoryView View(int total, List<ValuePoint> points) => new(id, ofTheTime ? null : FormulaView.Of(query!.Formula), query!.KnownAt,
            asked!.Order, asked.Page, asked.PageSize, total, asked.InOrder(points));

        // The touchpoints counted (all, or those recorded by knownAt) first in the stream and in business order: from the value
        // checkpoint before the page. Of the time, each point also recorded after every touchpoint before it: what was shown then.
        var marks = fromCheckpoints ? await CheckpointedLedger.MarksAsync(session, id, ct) : [];
        var window = marks.Count > 0 ? await CheckpointedHistory.ReadAsync(session, id, marks, query!.KnownAt, asked!, ct) : null;
        // Else (touchpoints recorded back-dated, or known at knownAt out of stream order), and of the time for a point recorded before a
        // touchpoint dated before it: from the checkpoint whose touchpoints come first in the timeline known then.
        if (marks.Count > 0 && (window is null || ofTheTime && !window.RecordedInOrder))
            window = await BackDatedHistory.ReadAsync(session, id, marks, query!.KnownAt, ofTheTime, asked!, ct);
        if (window is not null && (!ofTheTime || window.RecordedInOrder))
            return GetCustomerValueEndpoint.Valuate(query!, () =>
                View(window.Total, window.Points.Select(p => PointOf(p.Point, p.Ledger, ValuedUnder(p.Point.RecordedAt))).ToList()));

        var (touchpoints, unknown) = await ValueQuery.TouchpointsAsync(session, id, query!.KnownAt, ct);
        if (unknown is not null) return unknown;

        return GetCustomerValueEndpoint.Valuate(query, () =>
        {
            var inBusinessOrder = touchpoints.OrderBy(t => t.Touchpoint.OccurredAt).ThenBy(t => t.Version).ToList();
            var (from, to) = asked!.Range(inBusinessOrder.Count);
            var ledger = FoldedLedger.Empty(id);
            var latestRecorded = DateTimeOffset.MinValue;
            var points = new List<ValuePoint>(to - from);
            for (var k = 0; k < to; k++)
            {
                var recordedAt = inBusinessOrder[k].RecordedAt;
                ledger = ledger.Record(inBusinessOrder[k].Touchpoint);
                if (recordedAt > latestRecorded) latestRecorded = recordedAt;
                if (k < from) continue;
                // What the service showed then had none of the earlier-dated touchpoints recorded after this one.
                var shown = ofTheTime && latestRecorded > recordedAt ? KnownWhen(inBusinessOrder, k, id) : ledger;
                points.Add(PointOf(inBusinessOrder[k], shown, ValuedUnder(recordedAt)));
            }
            return View(inBusinessOrder.Count, points);
        });
    }

    /// <summary>A touchpoint's point: the customer valued as of its business time with the ledger up to it.</summary>
    private static ValuePoint PointOf(RecordedTouchpoint recorded, CustomerLedger ledger, (FormulaChoice Formula, PortfolioModel Model) under)
    {
        var (formula, model) = under;
        var (touchpoint, type, _, recordedAt) = recorded;
        var v = CustomerValuation.Of(ledger, touchpoint.OccurredAt, formula, model);
        return new ValuePoint(touchpoint.TouchpointId, type, touchpoint.OccurredAt, recordedAt,
            v.Historical.Revenue, v.Historical.Profit, v.Current.Value, v.Potential.Total, v.Tier, $"{formula.Name}@{formula.Version}");
    }

    /// <summary>The ledger of touchpoints 1..k as the store knew it when touchpoint k was recorded.</summary>
    private static FoldedLedger KnownWhen(IReadOnlyList<RecordedTouchpoint> inBusinessOrder, int k, string customerId)
    {
        var recorded = inBusinessOrder[k].RecordedAt;
        var ledger = FoldedLedger.Empty(customerId);
        for (var i = 0; i <= k; i++)
            if (inBusinessOrder[i].RecordedAt <= recorded) ledger = ledger.Record(inBusinessOrder[i].Touchpoint);
        return ledger;
    }
}
