using static MathNet.Numerics.SpecialFunctions;

namespace EventCrm.Relationship.Value;

// The BG/NBD model of Fader, Hardie and Lee (2005), "Counting your customers the easy way",
// Marketing Science 24(2). Equation numbers below are the paper's. Time is in weeks.
// The expectations divide by (a - 1): the model is undefined at exactly a = 1, which a maximum
// likelihood fit never lands on in practice.
public static partial class BgNbd
{
    // Eq. 6, in logs: L = B(a,b+x)/B(a,b) Gamma(r+x) alpha^r / (Gamma(r) (alpha+T)^(r+x))
    //                   + [x > 0] B(a+1,b+x-1)/B(a,b) Gamma(r+x) alpha^r / (Gamma(r) (alpha+t_x)^(r+x))
    public static double LogLikelihood(BgNbdParameters p, PurchaseHistory history)
    {
        var (x, tx, T) = (history.RepeatPurchases, history.WeeksToLastPurchase, history.WeeksObserved);
        var common = GammaLn(p.R + x) - GammaLn(p.R) + p.R * Math.Log(p.Alpha)
                   + GammaLn(p.A + p.B) + GammaLn(p.B + x) - GammaLn(p.B) - GammaLn(p.A + p.B + x);
        var stillAlive = -(p.R + x) * Math.Log(p.Alpha + T);
        if (x == 0) return common + stillAlive;

        var droppedOutAfterLast = Math.Log(p.A) - Math.Log(p.B + x - 1) - (p.R + x) * Math.Log(p.Alpha + tx);
        return common + LogSumExp(stillAlive, droppedOutAfterLast);
    }

    // Eq. 9: expected purchases in (0, t] of a customer who has just made their first purchase.
    public static double ExpectedPurchases(BgNbdParameters p, double weeks)
    {
        CheckWeeks(weeks);
        var z = weeks / (p.Alpha + weeks);
        var hypergeometric = Hypergeometric.Gauss2F1(p.R, p.B, p.A + p.B - 1, z);
        return (p.A + p.B - 1) / (p.A - 1) * (1 - Math.Pow(p.Alpha / (p.Alpha + weeks), p.R) * hypergeometric);
    }

    // Eq. 8: probability that a new customer makes exactly `purchases` purchases in (0, t].
    public static double ProbabilityOfPurchases(BgNbdParameters p, int purchases, double weeks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(purchases);
        CheckWeeks(weeks);
        if (weeks == 0) return purchases == 0 ? 1 : 0;

        var x = purchases;
        var logNoDecay = p.R * Math.Log(p.Alpha / (p.Alpha + weeks));   // ln (alpha/(alpha+t))^r
        var logShare = Math.Log(weeks / (p.Alpha + weeks));              // ln t/(alpha+t)
        var logBetaBase = LogBeta(p.A, p.B);

        var aliveThroughout = Math.Exp(LogBeta(p.A, p.B + x) - logBetaBase + NegativeBinomialLogTerm(p.R, x) + logNoDecay + x * logShare);
        if (x == 0) return aliveThroughout;

        var fewerThanX = 0.0;
        for (var j = 0; j < x; j++)
            fewerThanX += Math.Exp(NegativeBinomialLogTerm(p.R, j) + logNoDecay + j * logShare);
        // 1 - P(NBD count < x): clamped because for large x the sum rounds to just above 1.
        var diedAfterX = Math.Exp(LogBeta(p.A + 1, p.B + x - 1) - logBetaBase) * Math.Max(0, 1 - fewerThanX);
        return aliveThroughout + diedAfterX;
    }

    // P(alive | x, t_x, T), from the paper's appendix: 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)).
    public static double ProbabilityAlive(BgNbdParameters p, PurchaseHistory history)
    {
        var x = history.RepeatPurchases;
        if (x == 0) return 1;
        return 1 / (1 + Math.Exp(LogDropOutOdds(p, history)));
    }

    // Eq. 10: expected purchases in the next t weeks of a customer with history (x, t_x, T).
    public static double ConditionalExpectedPurchases(BgNbdParameters p, PurchaseHistory history, double weeksAhead)
    {
        CheckWeeks(weeksAhead);
        var (x, T) = (history.RepeatPurchases, history.WeeksObserved);
        var z = weeksAhead / (p.Alpha + T + weeksAhead);
        var hypergeometric = Hypergeometric.Gauss2F1(p.R + x, p.B + x, p.A + p.B + x - 1, z);
        var ifAlive = (p.A + p.B + x - 1) / (p.A - 1)
                    * (1 - Math.Pow((p.Alpha + T) / (p.Alpha + T + weeksAhead), p.R + x) * hypergeometric);
        return x == 0 ? ifAlive : ifAlive / (1 + Math.Exp(LogDropOutOdds(p, history)));
    }

    // ln of a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x): how much likelier "dropped out after the
    // last purchase" is than "still alive", kept in logs so long histories cannot overflow.
    private static double LogDropOutOdds(BgNbdParameters p, PurchaseHistory h) =>
        Math.Log(p.A) - Math.Log(p.B + h.RepeatPurchases - 1)
        + (p.R + h.RepeatPurchases) * (Math.Log(p.Alpha + h.WeeksObserved) - Math.Log(p.Alpha + h.WeeksToLastPurchase));

    // ln Gamma(r+j) / (Gamma(r) j!)
    private static double NegativeBinomialLogTerm(double r, int j) => GammaLn(r + j) - GammaLn(r) - GammaLn(j + 1);

    private static double LogBeta(double a, double b) => GammaLn(a) + GammaLn(b) - GammaLn(a + b);

    internal static double LogSumExp(double u, double v)
    {
        var max = Math.Max(u, v);
        return max + Math.Log(Math.Exp(u - max) + Math.Exp(v - max));
    }

    private static void CheckWeeks(double weeks)
    {
        if (!(weeks >= 0) || double.IsInfinity(weeks))
            throw new ArgumentOutOfRangeException(nameof(weeks), weeks, "must be a finite number of weeks, 0 or more");
    }
}
