using static MathNet.Numerics.SpecialFunctions;

namespace EventCrm.Relationship.Value;

// Gamma-Gamma spend model (Fader and Hardie 2013, "The Gamma-Gamma model of monetary value",
// note 025; Fader, Hardie and Lee 2005, "RFM and CLV"). Each purchase of a customer has value
// z ~ Gamma(P, nu); customers' nu ~ Gamma(Q, Gamma) across the base. Spend is assumed
// independent of the purchase process, so it multiplies BG/NBD's expected purchases.
public sealed record GammaGammaParameters
{
    public double P { get; }
    public double Q { get; }
    public double Gamma { get; }

    public GammaGammaParameters(double p, double q, double gamma)
    {
        P = BgNbdParameters.Positive(p, nameof(p));
        Q = BgNbdParameters.Positive(q, nameof(q));
        Gamma = BgNbdParameters.Positive(gamma, nameof(gamma));
    }
}

public static partial class GammaGamma
{
    // The mean zbar of x purchases is Gamma(px, x nu); integrating nu out gives
    //   f(zbar | x) = Gamma(px+q) / (Gamma(px) Gamma(q)) gamma^q x^(px) zbar^(px-1) / (gamma + x zbar)^(px+q)
    public static double LogLikelihood(GammaGammaParameters parameters, RepeatSpend spend)
    {
        var (x, zbar) = (spend.RepeatPurchases, spend.MeanRepeatValue);
        if (x == 0) throw new ArgumentException("Gamma-Gamma only describes customers with a repeat purchase", nameof(spend));
        var (p, q, gamma) = (parameters.P, parameters.Q, parameters.Gamma);
        var px = p * x;
        return GammaLn(px + q) - GammaLn(px) - GammaLn(q) + q * Math.Log(gamma)
             + px * Math.Log(x) + (px - 1) * Math.Log(zbar) - (px + q) * Math.Log(gamma + x * zbar);
    }

    // E[Z | x, zbar] = (p (gamma + x zbar)) / (p x + q - 1): a weighted mean of the population mean
    // p gamma / (q - 1) and the customer's own zbar, leaning on zbar as x grows. With x = 0 it is
    // the population mean, the best guess for a customer who has not bought again yet. Needs q > 1.
    public static double ExpectedAverageSpend(GammaGammaParameters parameters, RepeatSpend spend)
    {
        var (p, q, gamma) = (parameters.P, parameters.Q, parameters.Gamma);
        if (q <= 1) throw new ArgumentOutOfRangeException(nameof(parameters), q, "the mean spend exists only for q > 1");
        var x = spend.RepeatPurchases;
        return p * (gamma + x * spend.MeanRepeatValue) / (p * x + q - 1);
    }
}
