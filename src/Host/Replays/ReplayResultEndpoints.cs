using System.Text.Json;
using EventCrm.Host.Access;
using EventCrm.Host.Customers;
using EventCrm.Host.Formulas;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Models;
using EventCrm.Host.Values;
using EventCrm.Relationship.Value;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using EventCrm.Relationship;

namespace EventCrm.Host.Replays;

/// <param name="Total">How many points the whole history has; <paramref name="History"/> is a page of them.</param>
public sealed record ReplayedCustomerView(string ReplayId, ValueView Value, [property: Words(typeof(TouchpointPage))] string Order, int Page, int PageSize, int Total,
    IReadOnlyList<ReplayedPoint> History);

/// <param name="Total">How many items there are to page through, as in the service's other lists: every customer replayed
/// (the same figure as <paramref name="Customers"/>; those that did not change come last, each with a difference of 0).</param>
public sealed record ReplayDiffView(string ReplayId, string Formula, string Against, DateTimeOffset AsOf, [property: Words(typeof(ReplayStates))] string State, int Page, int PageSize,
    long Total, long Customers, long Changed, long TierChanges, IReadOnlyList<DiffItem> Items);

public static class GetReplayedCustomerEndpoint
{
    /// <summary>
    /// A customer's value under the replayed formula, in the shape of the live value read, with a
    /// page of its replayed history (paged as the live value history is: <see cref="TouchpointPage"/>).
    /// </summary>
    [WolverineGet("/api/replays/{id}/customers/{customerId}"), Authorize(Policy = Policies.Replays)]
    [Answers(200, "The customer's replayed value and a page of its history.", Body = typeof(ReplayedCustomerView))]
    [Answers(400, "A page, pageSize or order out of range.")]
    [Answers(404, "An unknown replay, or a customer not (yet) replayed.")]
    [Answers(422, "The replayed formula cannot value this customer; the detail says why.")]
    [Pages(TouchpointPage.DefaultSize, TouchpointPage.MaxSize)]
    public static async Task<IResult> Get(string id, string customerId, int? page, int? pageSize, [Words(typeof(TouchpointPage))] string? order, IQuerySession session,
        ReplayResultQueries results, CancellationToken ct)
    {
        var (asked, badPage) = TouchpointPage.Read(page, pageSize, order);
        if (badPage is not null) return badPage;
        if (await session.LoadAsync<ReplayRun>(id, ct) is not { } run) return GetReplayEndpoint.UnknownReplay(id);
        if (await results.CustomerAsync(id, customerId, ct) is not { } stored)
            return Problems.NotFound(run.State == ReplayStates.Running
                ? $"Customer '{customerId}' is not replayed yet: the replay has not reached it (GET /api/replays/{id} says whether it still runs)."
                : $"Replay '{id}' has no customer '{customerId}'.");
        if (stored.NotComputable is { } why)
            return Problems.Unprocessable($"Customer '{customerId}' cannot be valued under {run.Formula} in replay '{id}': {why}");

        var valuation = JsonSerializer.Deserialize(stored.Valuation, ReplayJson.Default.CustomerValuation)!;
        IReadOnlyList<ReplayedPoint> points;
        int total;
        if (stored.History is { } kept)
        {
            // Replays of before 2026-12-04 stored their histories whole.
            var whole = JsonSerializer.Deserialize(kept, ReplayJson.Default.ListReplayedPoint)!;
            (points, total) = (asked!.Of(whole), whole.Count);
        }
        else
        {
            var (inBusinessOrder, all) = await results.HistoryAsync(run, customerId, asked!.Range, ct);
            (points, total) = (asked.InOrder([.. inBusinessOrder]), all);
        }
        var query = new ValueQuery(run.Formula, run.AsOf, null, await results.ModelAsync(run, ct));
        return Results.Ok(new ReplayedCustomerView(id, ValueView.Of(customerId, query, valuation, total, outlook: null),
            asked.Order, asked.Page, asked.PageSize, total, points));
    }
}

public static class GetReplayDiffEndpoint
{
    public const int DefaultPageSize = 50;
    /// <summary>Above the other lists' 200: clients have read diffs 500 at a time since the route was made.</summary>
    public const int MaxPageSize = 500;

    /// <summary>Per-customer differences with the live values (default) or a completed replay of another formula over the same log, largest first.</summary>
    [WolverineGet("/api/replays/{id}/diff"), Authorize(Policy = Policies.Replays)]
    [Answers(200, "The replayed values against the live ones (or another replay's), largest difference first.", Body = typeof(ReplayDiffView))]
    [Answers(400, "A malformed against, or a page or pageSize out of range.")]
    [Answers(404, "An unknown replay or formula.")]
    [Answers(409, "No completed replay of the against formula over the same log and asOf: start it first.")]
    [Pages(DefaultPageSize, MaxPageSize)]
    public static async Task<IResult> Get(string id, string? against, int? page, int? pageSize, IQuerySession session, ReplayResultQueries results, CancellationToken ct)
    {
        var (number, size, badPage) = PageBounds.Read(page, pageSize, DefaultPageSize, MaxPageSize);
        if (badPage is not null) return badPage;
        if (await session.LoadAsync<ReplayRun>(id, ct) is not { } run) return GetReplayEndpoint.UnknownReplay(id);

        string? other = null;
        var againstName = $"live ({run.LiveFormula})";
        if (against is not null)
        {
            if (FormulaRegistry.Malformed(against) is { } malformed) return Problems.Invalid("against", malformed);
            var (registry, _) = await FormulaRegistryStore.LoadAsync(session, ct);
            if (registry.Resolve(against) is not { } formula) return Problems.NotFound($"No formula '{against}' is registered.");
            againstName = formula.ToString();
            // Its own formula is this replay itself: every difference 0 (looking for another
            // replay of it would only find this one, and send the caller to start it again).
            if (Same(formula, run.Formula) && !Same(formula, run.LiveFormula)) other = id;
            else if (!Same(formula, run.LiveFormula))
            {
                // The same date asked for (compared here, to the tick: the database would round the
                // stored text to microseconds), or both as of the moment they were asked for.
                var twin = (await session.Query<ReplayRun>().Where(r => r.HighWater == run.HighWater
                        && r.State == ReplayStates.Completed && r.Formula.Name == formula.Name && r.Formula.Version == formula.Version).ToListAsync(ct))
                    .FirstOrDefault(r => r.RequestedAsOf == run.RequestedAsOf);
                if (twin is null)
                    return Problems.Conflict($"No completed replay of {formula} as of {(run.RequestedAsOf is { } asOf ? asOf.ToString("O") : "the moment it is asked for")} " +
                                             "over the same log; start one with POST /api/replays first.");
                other = twin.Id;
            }
        }
        var diff = await results.DiffAsync(id, other, number, size, ct);
        return Results.Ok(new ReplayDiffView(id, run.Formula.ToString(), againstName, run.AsOf, run.State, number, size,
            diff.Customers, diff.Customers, diff.Changed, diff.TierChanges, diff.Items));
    }

    /// <summary>The same version: a registered one read twice holds two dictionaries of the same parameters.</summary>
    private static bool Same(FormulaChoice a, FormulaChoice b) => a == b || a.ToString() == b.ToString();
}
