namespace EventCrm.Relationship.Portfolio;

/// <summary>
/// Weighted points (x, y), built once, answering the sum of the weights of the points with x &lt; X and y &lt; Y for
/// any X and Y: the points in x order cut in blocks of about √(n log n), each block's y values sorted with running
/// sums. A question reads a binary search per whole block and one partial block, never every point.
/// </summary>
internal sealed class DominanceSums
{
    private readonly long[] _xs;
    private readonly long[] _ys;
    private readonly int[] _weights;
    private readonly long[] _blockYs;      // each block's y values, sorted
    private readonly int[] _blockRunning;  // the block's weights summed in that order, inclusive
    private readonly int _block;

    public DominanceSums(IEnumerable<(long X, long Y, int Weight)> points)
    {
        var byX = points.OrderBy(p => p.X).ToArray();
        _xs = byX.Select(p => p.X).ToArray();
        _ys = byX.Select(p => p.Y).ToArray();
        _weights = byX.Select(p => p.Weight).ToArray();
        _block = Math.Max(64, (int)Math.Sqrt(byX.Length * Math.Max(1, Math.Log2(byX.Length + 1))));
        _blockYs = new long[byX.Length];
        _blockRunning = new int[byX.Length];
        for (var start = 0; start < byX.Length; start += _block)
        {
            var end = Math.Min(byX.Length, start + _block);
            var sorted = byX[start..end].OrderBy(p => p.Y).ToArray();
            var running = 0;
            for (var i = 0; i < sorted.Length; i++)
            {
                running += sorted[i].Weight;
                (_blockYs[start + i], _blockRunning[start + i]) = (sorted[i].Y, running);
            }
        }
    }

    /// <summary>The sum of the weights of the points with x &lt; <paramref name="x"/> and y &lt; <paramref name="y"/>.</summary>
    public int Below(long x, long y)
    {
        var end = Search.FirstAtOrAfter(_xs, 0, _xs.Length, x);
        var sum = 0;
        var start = 0;
        for (; start + _block <= end; start += _block)
        {
            var under = Search.FirstAtOrAfter(_blockYs, start, start + _block, y);
            if (under > start) sum += _blockRunning[under - 1];
        }
        for (var i = start; i < end; i++)
            if (_ys[i] < y) sum += _weights[i];
        return sum;
    }
}
