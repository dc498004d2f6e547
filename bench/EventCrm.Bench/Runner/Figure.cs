namespace EventCrm.Bench.Runner;

/// <summary>
/// One measured number. A figure is compared either with another figure of the same run
/// (<see cref="Against"/>, e.g. the COPY baselines) or with a fixed floor from the issues
/// (<see cref="Floor"/>); <see cref="MinRatio"/> is the floor of a ratio against a baseline.
/// </summary>
public sealed record Figure(string Name, double Value, string Unit)
{
    public string? Against { get; init; }
    public double? Floor { get; init; }
    public double? MinRatio { get; init; }
    /// <summary>Why the figure is what it is, for the details file (sizes, phases).</summary>
    public string? Note { get; init; }
}

/// <summary>A figure with its baseline resolved: what results/*.json holds per scenario.</summary>
public sealed record ScenarioResult(string Name, double Value, string Unit, string? Baseline, double? BaselineValue, double? Ratio)
{
    /// <summary>Target as text ("≥ 0.10", "< 1"), or null when the figure has none.</summary>
    public string? Target { get; init; }
    public bool? Met { get; init; }
}

public static class Baselines
{
    public const string Floor = "floor";

    /// <summary>
    /// ratio = value / baselineValue for every figure: for throughputs against a COPY baseline it is
    /// the share of the limit reached (higher is better); for latencies and durations against a
    /// floor it is the share of the allowed time used (below 1 meets the floor).
    /// </summary>
    public static IReadOnlyList<ScenarioResult> Resolve(IReadOnlyList<Figure> figures)
    {
        var byName = figures.GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.Last());
        return figures.Select(f =>
        {
            if (f.Floor is { } floor)
            {
                var ratio = f.Value / floor;
                return new ScenarioResult(f.Name, f.Value, f.Unit, Floor, floor, Round(ratio))
                    { Target = "< 1", Met = ratio < 1 };
            }
            if (f.Against is { } against && byName.TryGetValue(against, out var baseline) && baseline.Value > 0)
            {
                var ratio = f.Value / baseline.Value;
                return new ScenarioResult(f.Name, f.Value, f.Unit, against, baseline.Value, Round(ratio))
                {
                    Target = f.MinRatio is { } min ? $"≥ {min:0.00}" : null,
                    Met = f.MinRatio is { } m ? ratio >= m : null,
                };
            }
            return new ScenarioResult(f.Name, f.Value, f.Unit, f.Against, null, null);
        }).ToList();
    }

    private static double Round(double ratio) => Math.Round(ratio, ratio >= 10 ? 1 : ratio >= 0.1 ? 3 : 4);
}
