using static MathNet.Numerics.SpecialFunctions;

namespace EventCrm.Relationship.Value;

public sealed record BgNbdFit(BgNbdParameters Parameters, double LogLikelihood, int Customers);

public static partial class BgNbd
{
    // Maximum likelihood over the whole customer base: maximise the sum of eq. 6 over customers.
    // Many customers share the same (x, t_x, T) (times come from whole days), so each distinct
    // history is evaluated once and weighted by its count, and the Gamma-function terms, which
    // depend on x alone, once per distinct x: a fit on 100,000 customers costs what a few
    // thousand distinct histories cost.
    public static BgNbdFit Fit(IEnumerable<PurchaseHistory> histories)
    {
        var groups = histories.CountBy(h => h).ToArray();
        if (groups.Length == 0) throw new ArgumentException("cannot fit BG/NBD without customers", nameof(histories));

        var distinctX = groups.Select(g => g.Key.RepeatPurchases).Distinct().Order().ToArray();
        var xIndex = groups.Select(g => Array.BinarySearch(distinctX, g.Key.RepeatPurchases)).ToArray();
        var tx = groups.Select(g => g.Key.WeeksToLastPurchase).ToArray();
        var T = groups.Select(g => g.Key.WeeksObserved).ToArray();
        var count = groups.Select(g => (double)g.Value).ToArray();

        double Summed(double[] v)
        {
            var (r, alpha, a, b) = (v[0], v[1], v[2], v[3]);
            var common = new double[distinctX.Length];
            var dropOut = new double[distinctX.Length];
            for (var k = 0; k < distinctX.Length; k++)
            {
                var x = distinctX[k];
                common[k] = GammaLn(r + x) - GammaLn(r) + r * Math.Log(alpha)
                          + GammaLn(a + b) + GammaLn(b + x) - GammaLn(b) - GammaLn(a + b + x);
                dropOut[k] = x == 0 ? double.NaN : Math.Log(a) - Math.Log(b + x - 1);
            }

            var total = 0.0;
            for (var i = 0; i < tx.Length; i++)
            {
                var k = xIndex[i];
                var rx = r + distinctX[k];
                var stillAlive = -rx * Math.Log(alpha + T[i]);
                var ll = distinctX[k] == 0
                    ? stillAlive
                    : LogSumExp(stillAlive, dropOut[k] - rx * Math.Log(alpha + tx[i]));
                total += count[i] * (common[k] + ll);
            }
            return total;
        }

        var (best, logLikelihood) = PositiveParameterMaximiser.Maximise(Summed, StartingPoints(groups));
        return new BgNbdFit(new BgNbdParameters(best[0], best[1], best[2], best[3]), logLikelihood, (int)count.Sum());
    }

    // A neutral start (all ones, the usual default) plus two scaled to the data: alpha set so
    // that the mean purchase rate r/alpha matches the observed repeat rate sum(x)/sum(T), with a
    // low and a high drop-out guess. The best of the three is kept.
    private static IEnumerable<double[]> StartingPoints(KeyValuePair<PurchaseHistory, int>[] groups)
    {
        var repeats = groups.Sum(g => (double)g.Key.RepeatPurchases * g.Value);
        var weeks = groups.Sum(g => g.Key.WeeksObserved * g.Value);
        var rate = Math.Max(repeats, 1) / Math.Max(weeks, 1);

        yield return [1, 1, 1, 1];
        yield return [0.5, 0.5 / rate, 0.5, 2];
        yield return [2, 2 / rate, 2, 8];
    }
}
