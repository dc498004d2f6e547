namespace EventCrm.Relationship.Portfolio;

/// <summary>Moments (UTC ticks) sorted once: how many fall before a moment is a binary search, not a pass.</summary>
internal sealed class SortedCounts(IEnumerable<long> moments)
{
    private readonly long[] _sorted = moments.Order().ToArray();

    /// <summary>How many are before <paramref name="moment"/>.</summary>
    public int Before(long moment) => Search.FirstAtOrAfter(_sorted, 0, _sorted.Length, moment);

    /// <summary>How many are in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public int Between(long from, long to) => to <= from ? 0 : Before(to) - Before(from);
}

internal static class Search
{
    /// <summary>The first index in [start, end) of a sorted range whose value is not below <paramref name="value"/> (end if none).</summary>
    public static int FirstAtOrAfter(long[] sorted, int start, int end, long value)
    {
        var (low, high) = (start, end);
        while (low < high)
        {
            var middle = low + (high - low) / 2;
            if (sorted[middle] < value) low = middle + 1;
            else high = middle;
        }
        return low;
    }
}
