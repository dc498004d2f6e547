using static MathNet.Numerics.SpecialFunctions;

namespace EventCrm.Relationship.Value;

public sealed record GammaGammaFit(GammaGammaParameters Parameters, double LogLikelihood, int Customers);

public static partial class GammaGamma
{
    // Maximum likelihood over the repeat buyers. Customers without a repeat purchase carry no
    // spend information in this model, and a zero mean value has no density under a Gamma, so
    // both are left out (Customers in the result says how many were used). Identical (x, zbar)
    // pairs are evaluated once, weighted by their count.
    public static GammaGammaFit Fit(IEnumerable<RepeatSpend> spends)
    {
        var groups = spends.Where(s => s.RepeatPurchases > 0 && s.MeanRepeatValue > 0).CountBy(s => s).ToArray();
        if (groups.Length == 0) throw new ArgumentException("cannot fit Gamma-Gamma without a repeat buyer", nameof(spends));

        var x = groups.Select(g => (double)g.Key.RepeatPurchases).ToArray();
        var logX = x.Select(v => Math.Log(v)).ToArray();
        var zbar = groups.Select(g => g.Key.MeanRepeatValue).ToArray();
        var logZbar = zbar.Select(v => Math.Log(v)).ToArray();
        var count = groups.Select(g => (double)g.Value).ToArray();

        double Summed(double[] v)
        {
            var (p, q, gamma) = (v[0], v[1], v[2]);
            var perCustomer = -GammaLn(q) + q * Math.Log(gamma);
            var total = 0.0;
            for (var i = 0; i < x.Length; i++)
            {
                var px = p * x[i];
                total += count[i] * (perCustomer + GammaLn(px + q) - GammaLn(px)
                                     + px * logX[i] + (px - 1) * logZbar[i] - (px + q) * Math.Log(gamma + x[i] * zbar[i]));
            }
            return total;
        }

        var meanSpend = groups.Sum(g => g.Key.MeanRepeatValue * g.Value) / count.Sum();
        var (best, logLikelihood) = PositiveParameterMaximiser.Maximise(Summed, StartingPoints(meanSpend));
        return new GammaGammaFit(new GammaGammaParameters(best[0], best[1], best[2]), logLikelihood, (int)count.Sum());
    }

    // All ones, plus starts whose population mean p gamma / (q - 1) equals the observed mean spend.
    private static IEnumerable<double[]> StartingPoints(double meanSpend)
    {
        yield return [1, 1, 1];
        yield return [2, 3, meanSpend];
        yield return [5, 5, meanSpend * 4 / 5];
    }
}
