namespace EventCrm.Relationship.Portfolio;

/// <summary>
/// Who is a customer at any moment, and the sum of their current values: every customer's changes into and out of a
/// customer's state (flips, +1 and -1) sorted once by moment with running counts and sums, so that the customers just
/// before a moment are a binary search away.
/// </summary>
internal sealed class CustomersOverTime
{
    private readonly long[] _moments;
    private readonly int[] _customers;   // after the first i flips (length n + 1)
    private readonly decimal[] _values;
    // Per scale of the current values (0, 1, 2 decimals...): how many customers with such a value. The mean is answered
    // with the scale of the sum over the customers alone (2.0 and 2 are different answers), which a running sum, having
    // added and taken off others, may not have.
    private readonly (int Scale, int[] Customers)[] _scales;

    /// <summary>
    /// Whether every running sum is exact: decimal sums are then the same in any order. Current values are rounded to
    /// the cent, so they are; a base of values with 28 digits might not, and its mean is then made by a pass.
    /// </summary>
    public bool ValuesExact { get; }

    public CustomersOverTime(IReadOnlyList<(long At, int Sign, decimal Value)> flips)
    {
        var sorted = flips.OrderBy(f => f.At).ToArray();
        _moments = sorted.Select(f => f.At).ToArray();
        (_customers, _values) = (new int[sorted.Length + 1], new decimal[sorted.Length + 1]);
        var scales = sorted.Select(f => (int)f.Value.Scale).Distinct().Order().ToArray();
        _scales = scales.Select(s => (s, new int[sorted.Length + 1])).ToArray();
        var largest = scales.Length == 0 ? 0 : scales[^1];
        var magnitude = sorted.Sum(f => Math.Abs((double)f.Value));
        // Under 2^96 (the decimal's 96-bit integer) at the largest scale, with room: no sum is rounded.
        ValuesExact = magnitude * Math.Pow(10, largest) < 1e28;
        for (var i = 0; i < sorted.Length; i++)
        {
            var (_, sign, value) = sorted[i];
            _customers[i + 1] = _customers[i] + sign;
            _values[i + 1] = ValuesExact ? _values[i] + sign * value : 0;
            foreach (var (scale, running) in _scales)
                running[i + 1] = running[i] + (value.Scale == scale ? sign : 0);
        }
    }

    /// <summary>How many are customers just before <paramref name="moment"/> (its own changes not made yet).</summary>
    public int CustomersBefore(long moment) => _customers[Search.FirstAtOrAfter(_moments, 0, _moments.Length, moment)];

    /// <summary>The sum of the current values of the customers just before <paramref name="moment"/>, as a sum over them alone writes it.</summary>
    public decimal ValuesBefore(long moment)
    {
        if (!ValuesExact) throw new InvalidOperationException("the running sums are not exact: sum the customers themselves");
        var flips = Search.FirstAtOrAfter(_moments, 0, _moments.Length, moment);
        var scale = _scales.Where(s => s.Customers[flips] > 0).Select(s => s.Scale).DefaultIfEmpty(0).Max();
        // The exact sum; rounding to the scale of its own terms only drops zeros (a sum of numbers of 2 decimals has 2).
        return Math.Round(_values[flips], scale);
    }
}
