using EventCrm.Host.Access;
using Microsoft.AspNetCore.Authorization;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Values;
using EventCrm.Relationship.Portfolio;
using Wolverine.Http;

namespace EventCrm.Host.Portfolio;

/// <param name="NotValued">
/// The customers the valuation could not value, counted as current 0 and potential 0, by why; null when answered from a
/// valuation stored by a node of before 2026-12-07 (afternoon), which did not count them.
/// </param>
/// <param name="LedgerProgress">
/// How far the ledgers valued had folded the event log when the valuation began: while the daemon builds them (the first
/// start after a seed or an import, a rebuild in place) the customers not folded yet are missing from every figure, and
/// <c>eventsBehind</c> above 0 with <c>caughtUp</c> false says so; null when answered from a valuation stored by a node of
/// before 2026-12-07 (late evening), which did not note it.
/// </param>
public sealed record PortfolioAnswer<T>(DateTimeOffset AsOf, Formulas.FormulaView Formula, DateTimeOffset? ModelFittedAt, PortfolioNotValued? NotValued,
    LedgerProgress? LedgerProgress, T Analysis);

public static class PortfolioAnswer
{
    /// <summary>An analysis of the valuation, with what it was made of.</summary>
    public static PortfolioAnswer<T> Of<T>(PortfolioSnapshot valuation, T analysis) =>
        new(valuation.AsOf, valuation.Formula, valuation.ModelFittedAt, valuation.NotValued, valuation.LedgerProgress, analysis);
}

public static class GetParetoEndpoint
{
    /// <summary>Share of revenue and of profit made by the top 20% of customers (prospects are not customers), and the concentration curves.</summary>
    [WolverineGet("/api/portfolio/pareto"), Authorize(Policy = Policies.Read)]
    [Answers(200, "How revenue and profit concentrate on the top customers.")]
    public static async Task<PortfolioAnswer<ParetoAnalysis>> Get(PortfolioBase portfolio, CancellationToken ct)
    {
        var snapshot = await portfolio.LoadAsync(ct);
        return PortfolioAnswer.Of(snapshot, snapshot.Pareto);
    }
}

public static class GetSegmentsEndpoint
{
    /// <summary>
    /// The value x potential quadrants (seed 002), thresholds at the medians; with members, each lists only its first
    /// so many customers: a page showing five of each need not read a million ids (the rest: GetQuadrantCustomersEndpoint).
    /// </summary>
    [WolverineGet("/api/portfolio/segments"), Authorize(Policy = Policies.Read)]
    [Answers(200, "The customers in four quadrants of current and potential value.", Body = typeof(PortfolioAnswer<ValueQuadrantAnalysis>))]
    [Answers(400, "A members below 0.")]
    public static async Task<IResult> Get(int? members, PortfolioBase portfolio, CancellationToken ct)
    {
        if (members < 0) return Problems.Invalid("members", "must be 0 or more");
        var snapshot = await portfolio.LoadAsync(ct);
        return Results.Ok(PortfolioAnswer.Of(snapshot, snapshot.Segments(members)));
    }
}

public static class GetKpisEndpoint
{
    /// <summary>Conversion, retention, cohort retention and average CLV over [from, to); default the last 12 months.</summary>
    [WolverineGet("/api/kpis"), Authorize(Policy = Policies.Read)]
    [Answers(200, "Conversion, retention, cohorts and average value over the period.", Body = typeof(PortfolioAnswer<PortfolioKpiReport>))]
    [Answers(400, "A bad or inverted from or to, a to after today or before 1900, or a period over 50 years.")]
    public static async Task<IResult> Get(string? from, string? to, PortfolioBase portfolio, TimeProvider clock, CancellationToken ct)
    {
        if (ReportPeriod.Refusal(from, to, clock.GetUtcNow(), out var start, out var end) is { } refused) return refused;

        var snapshot = await portfolio.LoadAsync(ct);
        return Results.Ok(PortfolioAnswer.Of(snapshot, snapshot.Kpis(start, end)));
    }

    public const int MaxPeriodYears = ReportPeriod.MaxYears;
}
