using System.Diagnostics;

namespace EventCrm.Bench.Load;

/// <summary>Request latencies in milliseconds, safe to record from many clients, each with the moment it completed.</summary>
public sealed class Latencies
{
    private readonly List<double> _ms = [];
    private readonly List<double> _completedAtSeconds = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public void Add(double ms)
    {
        var now = _clock.Elapsed.TotalSeconds;
        lock (_ms)
        {
            _ms.Add(ms);
            _completedAtSeconds.Add(now);
        }
    }

    public int Count
    {
        get { lock (_ms) return _ms.Count; }
    }

    /// <summary>Nearest-rank percentile (q in 0..1): the smallest sample with at least q of all samples at or below it.</summary>
    public double Percentile(double q)
    {
        lock (_ms) return Percentile(_ms, q);
    }

    private static double Percentile(IReadOnlyCollection<double> samples, double q)
    {
        if (samples.Count == 0) return double.NaN;
        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(q * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public double Max
    {
        get { lock (_ms) return _ms.Count == 0 ? double.NaN : _ms.Max(); }
    }

    public string Summary() =>
        $"n={Count:N0}, p50 {Percentile(0.5):F2} ms, p90 {Percentile(0.9):F2} ms, p99 {Percentile(0.99):F2} ms, max {Max:F2} ms";

    public sealed record Window(double StartSeconds, int Count, double P50, double P99, double Max, int OverMs);

    /// <summary>
    /// The samples cut into consecutive windows by completion time: whether a tail comes from a few
    /// bursts (some windows with a high p99) or from everywhere (every window alike).
    /// </summary>
    public IReadOnlyList<Window> Windows(TimeSpan width, double thresholdMs)
    {
        lock (_ms)
        {
            if (_ms.Count == 0) return [];
            var start = _completedAtSeconds[0];
            return _ms.Zip(_completedAtSeconds)
                .GroupBy(s => (int)((s.Second - start) / width.TotalSeconds))
                .OrderBy(g => g.Key)
                .Select(g =>
                {
                    var samples = g.Select(s => s.First).ToArray();
                    return new Window(g.Key * width.TotalSeconds, samples.Length, Percentile(samples, 0.5), Percentile(samples, 0.99),
                        samples.Max(), samples.Count(ms => ms > thresholdMs));
                })
                .ToArray();
        }
    }
}
