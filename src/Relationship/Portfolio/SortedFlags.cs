namespace EventCrm.Relationship.Portfolio;

/// <summary>Moments (UTC ticks) sorted once, each with a flag: how many, and how many flagged, fall in a range.</summary>
internal sealed class SortedFlags
{
    private readonly long[] _moments;
    private readonly int[] _flagged;   // among the first i (length n + 1)

    public SortedFlags(IEnumerable<(long At, bool Flag)> moments)
    {
        var sorted = moments.OrderBy(m => m.At).ToArray();
        _moments = sorted.Select(m => m.At).ToArray();
        _flagged = new int[sorted.Length + 1];
        for (var i = 0; i < sorted.Length; i++) _flagged[i + 1] = _flagged[i] + (sorted[i].Flag ? 1 : 0);
    }

    /// <summary>How many are in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public int Count(long from, long to) => to <= from ? 0 : Index(to) - Index(from);

    /// <summary>How many flagged ones are in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public int Flagged(long from, long to) => to <= from ? 0 : _flagged[Index(to)] - _flagged[Index(from)];

    private int Index(long moment) => Search.FirstAtOrAfter(_moments, 0, _moments.Length, moment);
}
