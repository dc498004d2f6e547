using EventCrm.Host.Infrastructure;

namespace EventCrm.Host.Customers;

/// <summary>
/// A page of one customer's touchpoints in business-time order (its timeline, its value history),
/// from the oldest or from the newest. A customer's stream has no bound (an ingest key can grow one
/// without limit, a B2B account has tens of thousands of touchpoints), so neither has a read of it:
/// a page bounds the answer, while a customer of up to <see cref="DefaultSize"/> touchpoints still
/// gets all of them without asking. page and pageSize are read and refused as every paged route does.
/// </summary>
public sealed record TouchpointPage(int Page, int PageSize, bool NewestFirst)
{
    public const int DefaultSize = 1_000, MaxSize = 1_000;
    public const string Oldest = "oldest", Newest = "newest";

    public string Order => NewestFirst ? Newest : Oldest;

    public static (TouchpointPage? Page, IResult? Problem) Read(int? page, int? pageSize, string? order)
    {
        var (number, size, refused) = PageBounds.Read(page, pageSize, DefaultSize, MaxSize);
        if (refused is not null) return (null, refused);
        // In lower case, as every other word a route takes (state=completed, types=purchase, a quadrant).
        var newest = order == Newest;
        if (order is not null && !newest && order != Oldest)
            return (null, Problems.Invalid("order", $"must be {Oldest} (the first touchpoint first) or {Newest} (the latest first), in lower case"));
        return (new TouchpointPage(number, size, newest), null);
    }

    /// <summary>Where this page's touchpoints stand among <paramref name="total"/> in business-time order: positions From (included) to To (excluded).</summary>
    public (int From, int To) Range(int total)
    {
        var skipped = (long)(Page - 1) * PageSize;
        if (skipped >= total) return (0, 0);
        return NewestFirst
            ? ((int)Math.Max(0, total - skipped - PageSize), (int)(total - skipped))
            : ((int)skipped, (int)Math.Min(total, skipped + PageSize));
    }

    /// <summary>This page's items of a list in business-time order, in the page's order.</summary>
    public List<T> Of<T>(IReadOnlyList<T> inBusinessOrder) => InOrder(Slice(inBusinessOrder));

    /// <summary>Items of this page taken in business-time order, put in the page's order.</summary>
    public List<T> InOrder<T>(List<T> inBusinessOrder)
    {
        if (NewestFirst) inBusinessOrder.Reverse();
        return inBusinessOrder;
    }

    private List<T> Slice<T>(IReadOnlyList<T> items)
    {
        var (from, to) = Range(items.Count);
        var slice = new List<T>(to - from);
        for (var i = from; i < to; i++) slice.Add(items[i]);
        return slice;
    }
}
