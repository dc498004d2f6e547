using EventCrm.Host.Access;
using EventCrm.Host.Formulas;
using EventCrm.Host.Infrastructure;
using EventCrm.Relationship.Portfolio;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using EventCrm.Relationship;

namespace EventCrm.Host.Portfolio;

/// <param name="LedgerProgress">How far the ledgers valued had folded the log, as in the portfolio answers (<see cref="PortfolioAnswer{T}"/>).</param>
/// <param name="Total">how many customers the quadrant has (the segments' <c>count</c>); <paramref name="Customers"/> is a page of them.</param>
public sealed record QuadrantCustomersPage(
    DateTimeOffset AsOf, FormulaView Formula, DateTimeOffset? ModelFittedAt, PortfolioNotValued? NotValued, LedgerProgress? LedgerProgress,
    [property: Words(typeof(ValueQuadrantNames))] string Quadrant,
    decimal? CurrentValueThreshold, decimal? PotentialValueThreshold,
    int Page, int PageSize, int Total, IReadOnlyList<QuadrantCustomer> Customers);

/// <param name="Name">null for a record that never gave one ("[erased]" after an erasure), as in the segments' list.</param>
/// <param name="CurrentValue">what places it in the list (worth most now first), with <paramref name="PotentialValue"/> next.</param>
public sealed record QuadrantCustomer(string CustomerId, string? Name, decimal CurrentValue, decimal PotentialValue);

public static class GetQuadrantCustomersEndpoint
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1_000;

    /// <summary>
    /// Every customer of one quadrant, a page at a time, in the segments' order: the segments answer names a
    /// page's worth to show, a manager must be able to read the rest of a quadrant of thousands.
    /// </summary>
    [WolverineGet("/api/portfolio/segments/{quadrant}/customers"), Authorize(Policy = Policies.Read)]
    [Answers(200, "A page of the quadrant's customers, worth most now first, then most to win, then by id.", Body = typeof(QuadrantCustomersPage))]
    [Answers(400, "A page or pageSize out of range.")]
    [Answers(404, "An unknown quadrant.")]
    [Pages(DefaultPageSize, MaxPageSize)]
    public static async Task<IResult> Get([Words(typeof(ValueQuadrantNames))] string quadrant, int? page, int? pageSize, PortfolioBase portfolio, CancellationToken ct)
    {
        var (number, size, refused) = PageBounds.Read(page, pageSize, DefaultPageSize, MaxPageSize);
        if (refused is not null) return refused;
        if (!ValueQuadrantNames.All.Contains(quadrant, StringComparer.Ordinal)) return UnknownQuadrant(quadrant);

        var snapshot = await portfolio.LoadAsync(ct);
        var members = snapshot.Quadrants.Members[quadrant];
        // A slice of the list ranked once per valuation: a page costs its own size, however deep.
        var from = (long)(number - 1) * size;
        var shown = new List<QuadrantCustomer>();
        for (var i = from; i < Math.Min(members.Count, from + size); i++)
        {
            var c = members[(int)i];
            shown.Add(new QuadrantCustomer(c.CustomerId, c.Name, c.CurrentValue, c.PotentialValue));
        }
        return Results.Ok(new QuadrantCustomersPage(snapshot.AsOf, snapshot.Formula, snapshot.ModelFittedAt, snapshot.NotValued, snapshot.LedgerProgress, quadrant,
            snapshot.Quadrants.CurrentValueThreshold, snapshot.Quadrants.PotentialValueThreshold, number, size, members.Count, shown));
    }

    private static IResult UnknownQuadrant(string quadrant) => Problems.NotFound(
        $"No quadrant '{quadrant}': the quadrants are {string.Join(", ", ValueQuadrantNames.All)}.",
        new Dictionary<string, string[]> { ["quadrant"] = [$"must be one of {string.Join(", ", ValueQuadrantNames.All)}"] });
}
