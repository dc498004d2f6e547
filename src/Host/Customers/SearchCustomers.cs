using EventCrm.Host.Sharding;
using EventCrm.Host.Access;
using Microsoft.AspNetCore.Authorization;
using EventCrm.Host.Infrastructure;
using EventCrm.Projections.Customers;
using Marten;
using Wolverine.Http;

namespace EventCrm.Host.Customers;

public sealed record CustomerSearchResult(string? Search, int Page, int PageSize, long Total, IReadOnlyList<CustomerView> Customers);

public static class SearchCustomersEndpoint
{
    public const int MaxPageSize = 200;
    /// <summary>200 million customers deep: beyond it a page's offset would not fit the arithmetic.</summary>
    public const int MaxPage = 1_000_000;
    public const int MaxDepthAcrossDatabases = 10_000;

    /// <summary>Finds customers whose name or email contains the text, case-insensitively; without text, lists them all.</summary>
    [WolverineGet("/api/customers"), Authorize(Policy = Policies.Read)]
    [Answers(200, "A page of the customers whose name or email contains search, by name.", Body = typeof(CustomerSearchResult))]
    [Answers(400, "A page or pageSize out of range (or, over several databases, page x pageSize over 10,000).")]
    public static async Task<IResult> Get(string? search, int? page, int? pageSize, CustomerDatabases databases, CancellationToken ct)
    {
        var (pageNumber, size) = (page ?? 1, pageSize ?? 20);
        if (pageNumber is < 1 or > MaxPage) return Problems.Invalid("page", $"must be between 1 and {MaxPage:#,0}");
        if (size is < 1 or > MaxPageSize) return Problems.Invalid("pageSize", $"must be between 1 and {MaxPageSize}");
        if (search?.Length > 200) return Problems.Invalid("search", "must be at most 200 characters");
        if (QueryText.HoldsNul(search)) return Problems.Invalid("search", QueryText.NulRule);
        // Over several databases each answers everything up to the page asked for: deep pages would read them whole.
        if (databases.TenantIds.Count > 1 && (long)pageNumber * size > MaxDepthAcrossDatabases)
            return Problems.Invalid("page", $"with customers over several databases, page x pageSize must be at most {MaxDepthAcrossDatabases:#,0}; narrow the search");

        var term = search?.Trim().ToLowerInvariant() ?? "";
        // Several databases: each answers its first page x pageSize matches and the page is cut
        // after merging them in the databases' own order (C.UTF-8 collation: code points, nulls last).
        var skippedInDatabase = databases.TenantIds.Count == 1 ? (pageNumber - 1) * size : 0;
        var answers = await databases.InEachAsync(async session =>
        {
            var found = await InNameOrder(Matching(session, term)).Skip(skippedInDatabase).Take(pageNumber * size - skippedInDatabase).ToListAsync(ct);
            return (Found: found, Total: await Matching(session, term).CountAsync(ct));
        });
        var customers = answers.SelectMany(a => a.Found)
            .OrderBy(p => p.Name is null).ThenBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Id, StringComparer.Ordinal)
            .Skip((pageNumber - 1) * size - skippedInDatabase).Take(size).Select(CustomerView.Of).ToList();
        return Results.Ok(new CustomerSearchResult(search, pageNumber, size, answers.Sum(a => (long)a.Total), customers));
    }

    /// <summary>
    /// The search's filter, counted as it is for the total; <c>when_searching_a_million_customers</c>
    /// explains exactly these commands against the profile table's indexes (CustomerIndexes).
    /// </summary>
    public static IQueryable<CustomerProfile> Matching(IQuerySession session, string term) =>
        term.Length > 0 ? session.Query<CustomerProfile>().Where(p => p.SearchText.Contains(term)) : session.Query<CustomerProfile>();

    /// <summary>A page's order, read from the index on name and id.</summary>
    public static IQueryable<CustomerProfile> InNameOrder(IQueryable<CustomerProfile> matching) => matching.OrderBy(p => p.Name).ThenBy(p => p.Id);
}
