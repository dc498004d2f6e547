namespace EventCrm.Relationship.Value;

public static class Percentile
{
    /// <summary>The p-th percentile (0..1) with linear interpolation between closest ranks (Hyndman and Fan type 7, as spreadsheets compute it).</summary>
    public static decimal Of(IReadOnlyList<decimal> values, decimal p)
    {
        if (values.Count == 0) return 0;
        var sorted = values.Order().ToArray();
        var rank = p * (sorted.Length - 1);
        var below = (int)Math.Floor(rank);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }
}
