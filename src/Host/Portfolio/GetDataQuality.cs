using EventCrm.Host.Access;
using EventCrm.Host.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using EventCrm.Relationship;

namespace EventCrm.Host.Portfolio;

/// <summary>
/// Duplicate, error and completeness rates of the customer records (seed 004), each with a page of the records behind it.
/// Every list was answered whole: megabytes at a million records, for a page that shows ten of each.
/// </summary>
public static class GetDataQualityEndpoint
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1_000;

    /// <summary>The rates and counts of the whole base, and the same page of each of the three lists.</summary>
    [WolverineGet("/api/data-quality"), Authorize(Policy = Policies.Read)]
    [Answers(200, "Duplicates, data errors and incomplete records: counts of the whole base, a page of each list.", Body = typeof(PortfolioAnswer<DataQualityPages>))]
    [Answers(400, "A page or pageSize out of range.")]
    [Pages(DefaultPageSize, MaxPageSize)]
    public static async Task<IResult> Get(int? page, int? pageSize, PortfolioBase portfolio, CancellationToken ct)
    {
        var (number, size, refused) = PageBounds.Read(page, pageSize, DefaultPageSize, MaxPageSize);
        if (refused is not null) return refused;
        var snapshot = await portfolio.LoadAsync(ct);
        return Results.Ok(PortfolioAnswer.Of(snapshot, DataQualityPages.Of(snapshot.DataQuality, number, size)));
    }
}

public static class GetDataQualityListEndpoint
{
    /// <summary>
    /// One list a page at a time, the next page of the incomplete records without the groups and errors again; the
    /// lists are made once per valuation, so a page costs its own size.
    /// </summary>
    [WolverineGet("/api/data-quality/{list}"), Authorize(Policy = Policies.Read)]
    [Answers(200, "The counts of the whole base and a page of one list: duplicates (groups), errors or completeness (incomplete records).",
        Body = typeof(PortfolioAnswer<DataQualityPages>))]
    [Answers(400, "A page or pageSize out of range.")]
    [Answers(404, "An unknown list.")]
    [Pages(GetDataQualityEndpoint.DefaultPageSize, GetDataQualityEndpoint.MaxPageSize)]
    public static async Task<IResult> Get([Words(typeof(DataQualityLists))] string list, int? page, int? pageSize, PortfolioBase portfolio, CancellationToken ct)
    {
        var (number, size, refused) = PageBounds.Read(page, pageSize, GetDataQualityEndpoint.DefaultPageSize, GetDataQualityEndpoint.MaxPageSize);
        if (refused is not null) return refused;
        if (!DataQualityLists.All.Contains(list, StringComparer.Ordinal)) return UnknownList(list);

        var snapshot = await portfolio.LoadAsync(ct);
        return Results.Ok(PortfolioAnswer.Of(snapshot, DataQualityPages.Of(snapshot.DataQuality, number, size, only: list)));
    }

    private static IResult UnknownList(string list) => Problems.NotFound(
        $"No data-quality list '{list}': the lists are {string.Join(", ", DataQualityLists.All)}.",
        new Dictionary<string, string[]> { ["list"] = [$"must be one of {string.Join(", ", DataQualityLists.All)}"] });
}
