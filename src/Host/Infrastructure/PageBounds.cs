using EventCrm.Host.Customers;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// The page and pageSize a paged route reads, with the bounds and the 400s that GET /api/customers
/// set (docs/api.md): a client pages every list of the service the same way.
/// </summary>
public static class PageBounds
{
    public const int MaxPage = SearchCustomersEndpoint.MaxPage;

    /// <summary>The page asked for (1 by default) and its size, or the 400 naming the one out of range.</summary>
    public static (int Page, int PageSize, IResult? Refused) Read(int? page, int? pageSize, int defaultPageSize, int maxPageSize)
    {
        var (number, size) = (page ?? 1, pageSize ?? defaultPageSize);
        if (number is < 1 or > MaxPage) return (number, size, Problems.Invalid("page", $"must be between 1 and {MaxPage:#,0}"));
        if (size < 1 || size > maxPageSize) return (number, size, Problems.Invalid("pageSize", $"must be between 1 and {maxPageSize:#,0}"));
        return (number, size, null);
    }
}
