namespace EventCrm.Bench.Load;

/// <summary>Request latencies in milliseconds, safe to record from many clients.</summary>
public sealed class Latencies
{
    private readonly List<double> _ms = [];

    public void Add(double ms)
    {
        lock (_ms) _ms.Add(ms);
    }

    public int Count
    {
        get { lock (_ms) return _ms.Count; }
    }

    /// <summary>Nearest-rank percentile (q in 0..1): the smallest sample with at least q of all samples at or below it.</summary>
    public double Percentile(double q)
    {
        lock (_ms)
        {
            if (_ms.Count == 0) return double.NaN;
            var sorted = _ms.Order().ToArray();
            var rank = (int)Math.Ceiling(q * sorted.Length);
            return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
        }
    }

    public double Max
    {
        get { lock (_ms) return _ms.Count == 0 ? double.NaN : _ms.Max(); }
    }

    public string Summary() =>
        $"n={Count:N0}, p50 {Percentile(0.5):F2} ms, p90 {Percentile(0.9):F2} ms, p99 {Percentile(0.99):F2} ms, max {Max:F2} ms";
}
