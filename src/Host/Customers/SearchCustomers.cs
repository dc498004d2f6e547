using EventCrm.Host.Sharding;
using EventCrm.Host.Access;
using Microsoft.AspNetCore.Authorization;
using EventCrm.Host.Infrastructure;
using EventCrm.Projections.Customers;
using EventCrm.Relationship;
using EventCrm.Relationship.Lifecycle;
using Marten;
using Wolverine.Http;

namespace EventCrm.Host.Customers;

public sealed record CustomerSearchResult(string? Search, [property: Words(typeof(CustomerStates))] string? State, int Page, int PageSize, long Total, IReadOnlyList<CustomerView> Customers);

public static class SearchCustomersEndpoint
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 200;
    /// <summary>200 million customers deep: beyond it a page's offset would not fit the arithmetic.</summary>
    public const int MaxPage = 1_000_000;
    public const int MaxDepthAcrossDatabases = 10_000;

    /// <summary>
    /// Finds customers whose name or email contains the text, case-insensitively, after the customer whose id is
    /// exactly the text, if any; without text, lists them all. A state keeps only the customers in it, the one
    /// found by id too: a desk lead counts the prospects, or the clients asking to cancel, by name or not.
    /// </summary>
    [WolverineGet("/api/customers"), Authorize(Policy = Policies.Read)]
    [Answers(200, "A page of the customers whose name or email contains search, by name, after the one whose id is search; with state, only those in that state.", Body = typeof(CustomerSearchResult))]
    [Answers(400, "An unknown state, or a page or pageSize out of range (or, over several databases, page x pageSize over 10,000).")]
    [Pages(DefaultPageSize, MaxPageSize)]
    public static async Task<IResult> Get(string? search, [Words(typeof(CustomerStates))] string? state, int? page, int? pageSize, CustomerDatabases databases, CancellationToken ct)
    {
        var (pageNumber, size) = (page ?? 1, pageSize ?? DefaultPageSize);
        if (pageNumber is < 1 or > MaxPage) return Problems.Invalid("page", $"must be between 1 and {MaxPage:#,0}");
        if (size is < 1 or > MaxPageSize) return Problems.Invalid("pageSize", $"must be between 1 and {MaxPageSize}");
        if (TextLength.IsOver(search, 200)) return Problems.Invalid("search", "must be at most 200 characters");
        if (QueryText.HoldsNul(search)) return Problems.Invalid("search", QueryText.NulRule);
        if (state is not null && !States.Contains(state)) return Problems.Invalid("state", $"must be one of {string.Join(", ", States)}");
        // Over several databases each answers everything up to the page asked for: deep pages would read them whole.
        if (databases.TenantIds.Count > 1 && (long)pageNumber * size > MaxDepthAcrossDatabases)
            return Problems.Invalid("page", $"with customers over several databases, page x pageSize must be at most {MaxDepthAcrossDatabases:#,0}; narrow the search");

        var text = search?.Trim() ?? "";
        var term = text.ToLowerInvariant();
        var byId = text.Length > 0 ? await CustomerById(text, databases, ct) : null;
        // The customer found by id is listed only in its own state, as the profile reports it.
        if (byId is not null && state is not null && StateOf(byId) != state) byId = null;
        // With a customer found by id, it is the first entry and the name matches come one place later:
        // a page reads from the match before its own first, one more than the page, should the customer be among them.
        var offset = (pageNumber - 1) * size;
        var (firstMatch, matchesRead) = byId is null ? (offset, size) : (Math.Max(0, offset - 1), size + 1);
        // Several databases: each answers its first matches up to those the page needs and the page is cut
        // after merging them in the databases' own order (C.UTF-8 collation: code points, nulls last).
        var skippedInDatabase = databases.TenantIds.Count == 1 ? firstMatch : 0;
        var answers = await databases.InEachAsync(async session =>
        {
            var found = await InNameOrder(Matching(session, term, state)).Skip(skippedInDatabase).Take(firstMatch + matchesRead - skippedInDatabase).ToListAsync(ct);
            return (Found: found, Total: await Matching(session, term, state).CountAsync(ct));
        });
        var matches = answers.SelectMany(a => a.Found).Order(NameOrder).Skip(firstMatch - skippedInDatabase).Take(matchesRead).ToList();
        // The customer found by id is counted once, among the matches when its name or email matches too.
        var total = answers.Sum(a => (long)a.Total) + (byId is null || AlsoMatches(byId, term) ? 0 : 1);
        var customers = byId is null ? matches : IdFirst(byId, matches, term, offset, size);
        return Results.Ok(new CustomerSearchResult(search, state, pageNumber, size, total, customers.Select(CustomerView.Of).ToList()));
    }

    /// <summary>
    /// Ids are shown alone on the audit and data-quality pages, so a search that is exactly one (trimmed, and as
    /// case-sensitive as ids are stored) finds that customer, by primary key in its own database.
    /// </summary>
    private static async Task<CustomerProfile?> CustomerById(string id, CustomerDatabases databases, CancellationToken ct)
    {
        await using var session = databases.QueryFor(id);
        return await session.LoadAsync<CustomerProfile>(id, ct);
    }

    /// <summary>
    /// The page of [the customer found by id, then the name matches without it], given the name matches read
    /// from the one before the page's first (page 1: from the first), one more than the page.
    /// </summary>
    private static List<CustomerProfile> IdFirst(CustomerProfile byId, List<CustomerProfile> matches, string term, int offset, int size)
    {
        var others = matches.Where(p => p.Id != byId.Id).ToList();
        // Among the matches before those read: every later match moves up one place once it is taken out.
        if (AlsoMatches(byId, term) && others.Count == matches.Count && others.Count > 0 && NameOrder.Compare(byId, others[0]) < 0) others.RemoveAt(0);
        return offset == 0 ? [byId, .. others.Take(size - 1)] : others.Take(size).ToList();
    }

    private static readonly IReadOnlyList<string> States = WordsAttribute.Of(typeof(CustomerStates));

    /// <summary>The state the profile and the customer's route report: none stored means a prospect (docs/value.md).</summary>
    private static string StateOf(CustomerProfile profile) => profile.State ?? CustomerStates.Prospect;

    /// <summary>What <see cref="Matching"/> asks of the database for the term (the term is lower case, as the search text).</summary>
    private static bool AlsoMatches(CustomerProfile profile, string term) => (profile.SearchText ?? "").Contains(term, StringComparison.Ordinal);

    /// <summary>The order <see cref="InNameOrder"/> reads in, for merging databases' answers in memory.</summary>
    private static readonly IComparer<CustomerProfile> NameOrder = Comparer<CustomerProfile>.Create((a, b) =>
        (a.Name is null) != (b.Name is null) ? (a.Name is null ? 1 : -1)
        : string.CompareOrdinal(a.Name, b.Name) is var byName and not 0 ? byName
        : string.CompareOrdinal(a.Id, b.Id));

    /// <summary>
    /// The search's filter, counted as it is for the total; <c>when_searching_a_million_customers</c>
    /// explains exactly these commands against the profile table's indexes (CustomerIndexes).
    /// </summary>
    public static IQueryable<CustomerProfile> Matching(IQuerySession session, string term, string? state = null)
    {
        var profiles = session.Query<CustomerProfile>().AsQueryable();
        if (term.Length > 0) profiles = profiles.Where(p => p.SearchText.Contains(term));
        // A profile without a state stored (none written, or an older shape) reads as a prospect: the filter agrees.
        if (state == CustomerStates.Prospect) profiles = profiles.Where(p => p.State == CustomerStates.Prospect || p.State == null);
        else if (state is not null) profiles = profiles.Where(p => p.State == state);
        return profiles;
    }

    /// <summary>A page's order, read from the index on name and id.</summary>
    public static IQueryable<CustomerProfile> InNameOrder(IQueryable<CustomerProfile> matching) => matching.OrderBy(p => p.Name).ThenBy(p => p.Id);
}
