using EventCrm.Host.Access;
using Microsoft.AspNetCore.Authorization;
using EventCrm.Host.Infrastructure;
using EventCrm.Projections.Customers;
using Marten;
using Marten.Pagination;
using Wolverine.Http;

namespace EventCrm.Host.Customers;

public sealed record CustomerSearchResult(string? Search, int Page, int PageSize, long Total, IReadOnlyList<CustomerView> Customers);

public static class SearchCustomersEndpoint
{
    public const int MaxPageSize = 200;

    /// <summary>Finds customers whose name or email contains the text, case-insensitively; without text, lists them all.</summary>
    [WolverineGet("/api/customers"), Authorize(Policy = Policies.Read)]
    public static async Task<IResult> Get(string? search, int? page, int? pageSize, IQuerySession session, CancellationToken ct)
    {
        var (pageNumber, size) = (page ?? 1, pageSize ?? 20);
        if (pageNumber < 1) return Problems.Invalid("page", "must be 1 or more");
        if (size is < 1 or > MaxPageSize) return Problems.Invalid("pageSize", $"must be between 1 and {MaxPageSize}");
        if (search?.Length > 200) return Problems.Invalid("search", "must be at most 200 characters");

        var term = search?.Trim().ToLowerInvariant() ?? "";
        IQueryable<CustomerProfile> query = session.Query<CustomerProfile>();
        if (term.Length > 0) query = query.Where(p => p.SearchText.Contains(term));
        var found = await query.OrderBy(p => p.Name).ThenBy(p => p.Id).ToPagedListAsync(pageNumber, size, ct);

        return Results.Ok(new CustomerSearchResult(search, pageNumber, size, found.TotalItemCount,
            found.Select(CustomerView.Of).ToList()));
    }
}
