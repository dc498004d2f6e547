using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using EventCrm.Bench.Runner;
using EventCrm.Host.Models;
using EventCrm.Relationship.Value;
using MathNet.Numerics.Distributions;

namespace EventCrm.Bench.Scenarios;

/// <summary>
/// The BG/NBD + Gamma-Gamma fit on 100,000 synthetic customers, in-process, measured with
/// BenchmarkDotNet (the one micro-benchmark of the suite: pure code, no I/O). The measured call is
/// clv-fit's own <see cref="ClvFitCommand.Fit"/>: purchase rows to calibration summaries, then
/// both maximum-likelihood fits. The customers are drawn from a BG/NBD and Gamma-Gamma process
/// with CDNOW-like parameters, so the fit has a known answer to find (printed in the details).
/// </summary>
public static class ClvFit
{
    public const string Name = "bgnbd-fit-100k-s";
    public const double FloorSeconds = 10;

    public static Task<IReadOnlyList<Figure>> RunAsync(BenchContext ctx, CancellationToken ct)
    {
        FitBenchmark.Customers = ctx.Sizes.FitCustomers;
        var rows = FitBenchmark.Synthetic(ctx.Sizes.FitCustomers, out var end);
        var fit = ClvFitCommand.Fit(rows, end);
        ctx.Log($"synthetic base: {ctx.Sizes.FitCustomers:N0} customers, {rows.Count:N0} purchase rows; fit: r={fit.R:F3} alpha={fit.Alpha:F3} a={fit.A:F3} b={fit.B:F3}, " +
                $"p={fit.P:F3} q={fit.Q:F3} gamma={fit.Gamma:F3} (drawn with r=0.243 alpha=4.414 a=0.793 b=2.426, p=6.25 q=3.74 gamma=15.44)");

        var artifacts = Path.Combine(ctx.LogDir, "benchmarkdotnet");
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(ctx.Sizes.FitIterations)
            .WithInvocationCount(1).WithUnrollFactor(1);
        Directory.CreateDirectory(artifacts);
        using var log = new StreamLogger(Path.Combine(artifacts, $"{ctx.Options.Mode}-fit.log"));
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddLogger(log)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .WithArtifactsPath(artifacts)
            .WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.JoinSummary);
        var summary = BenchmarkRunner.Run<FitBenchmark>(config);
        var report = summary.Reports.SingleOrDefault(r => r.ResultStatistics is not null)
                     ?? throw new InvalidOperationException($"BenchmarkDotNet produced no result; see {artifacts}");
        var stats = report.ResultStatistics!;
        var (median, max) = (stats.Median / 1e9, stats.Max / 1e9);
        ctx.Log($"BenchmarkDotNet ({stats.N} iterations after 1 warm-up, in-process): median {median:F3} s, min {stats.Min / 1e9:F3} s, max {max:F3} s");
        return Task.FromResult<IReadOnlyList<Figure>>([new Figure(Name, Math.Round(median, 3), "s")
        {
            Floor = FloorSeconds,
            Note = $"median of {stats.N} BenchmarkDotNet iterations; {rows.Count:N0} purchase rows of {ctx.Sizes.FitCustomers:N0} customers",
        }]);
    }
}

public class FitBenchmark
{
    public static int Customers { get; set; } = 100_000;
    private List<CustomerPurchase<string>> _rows = [];
    private DateOnly _end;

    [GlobalSetup]
    public void Setup() => _rows = Synthetic(Customers, out _end);

    [Benchmark]
    public ClvFitResult FitBgNbdAndGammaGamma() => ClvFitCommand.Fit(_rows, _end);

    /// <summary>
    /// Customers whose first purchase falls in a 12-week cohort, observed for 39 weeks (CDNOW's
    /// design). Purchase rate ~ Gamma(r, alpha) per week, drop-out after each repeat ~ Beta(a, b),
    /// order values ~ Gamma(p, nu) with nu ~ Gamma(q, gamma). Seeded: every run fits the same data.
    /// </summary>
    public static List<CustomerPurchase<string>> Synthetic(int customers, out DateOnly calibrationEnd)
    {
        var random = new Random(20050101);
        var start = new DateOnly(2024, 1, 1);
        calibrationEnd = start.AddDays(273);
        var rows = new List<CustomerPurchase<string>>(customers * 3);
        for (var i = 0; i < customers; i++)
        {
            var id = $"c{i:D6}";
            var firstDay = random.Next(84);
            var weeksObserved = (273 - firstDay) / 7.0;
            var rate = Gamma.Sample(random, 0.243, 4.414);
            var dropOut = Beta.Sample(random, 0.793, 2.426);
            var nu = Gamma.Sample(random, 3.74, 15.44);
            rows.Add(new CustomerPurchase<string>(id, start.AddDays(firstDay), Amount(random, nu)));
            for (var t = 0.0; ;)
            {
                t += Exponential.Sample(random, Math.Max(rate, 1e-9));
                if (t > weeksObserved) break;
                rows.Add(new CustomerPurchase<string>(id, start.AddDays(firstDay + (int)(t * 7)), Amount(random, nu)));
                if (random.NextDouble() < dropOut) break;
            }
        }
        return rows;
    }

    private static decimal Amount(Random random, double nu) => Math.Max(0.01m, Math.Round((decimal)Gamma.Sample(random, 6.25, nu), 2));
}
