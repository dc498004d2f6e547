namespace EventCrm.Relationship.Value;

// bgnbd-gg@1, probabilistic expected value (Fader, Hardie and Lee 2005; Fader and Hardie 2013):
//   value = sum over weeks k = 1..ceil(H) of [E[Y(k) | x, t_x, T] - E[Y(k-1) | x, t_x, T]] / (1 + i)^k
//           x E[Z | x, zbar] x marginShare
// E[Y(t) | ...]: BG/NBD expected purchases in the next t weeks (eq. 10; the last step ends at H);
// E[Z | ...]: Gamma-Gamma expected spend per purchase; i: weekly discount rate.
// Without a discount rate this is just E[Y(H)] x E[Z] (x marginShare): the expected revenue (or
// margin) of the next H weeks. Discounting each week's expected purchases at its end is the
// simplest honest discounting; spend per purchase does not change with time in this model.

// The model parameters are null when the caller means "fitted over the customer base"; the
// horizon is a business choice; no margin share means the value is revenue, no discount rate
// means undiscounted.
public sealed record BgNbdGgParameters(
    double HorizonWeeks,
    double? MarginShare,
    double? WeeklyDiscountRate,
    BgNbdParameters? Purchases,
    GammaGammaParameters? Spend);

public static class BgNbdGgValue
{
    public static readonly FormulaId Id = new("bgnbd-gg", 1);

    // A century of weeks: beyond it nothing is a customer's value any more, and each discounted
    // week costs one 2F1 evaluation.
    public const double MaximumHorizonWeeks = 5_200;

    public const string HorizonWeeks = "horizonWeeks";
    public const string MarginShare = "marginShare";
    public const string WeeklyDiscountRate = "weeklyDiscountRate";
    public static readonly IReadOnlyList<string> PurchaseModelNames = ["r", "alpha", "a", "b"];
    public static readonly IReadOnlyList<string> SpendModelNames = ["p", "q", "gamma"];
    private static readonly string HorizonRule = $"must be a number of weeks from 0 to {MaximumHorizonWeeks}";
    private static readonly string PurchaseModel = string.Join("/", PurchaseModelNames), SpendModel = string.Join("/", SpendModelNames);
    public static readonly IReadOnlyList<string> ParameterNames =
        [HorizonWeeks, MarginShare, WeeklyDiscountRate, .. PurchaseModelNames, .. SpendModelNames];

    public static BgNbdGgParameters ParametersFrom(IReadOnlyDictionary<string, decimal> values)
    {
        var read = new FormulaParameterReader(Id, ParameterNames, values);
        var purchases = AllOrNone(read, PurchaseModelNames);
        var spend = AllOrNone(read, SpendModelNames);
        return new BgNbdGgParameters(
            (double)read.Required(HorizonWeeks),
            (double?)read.Optional(MarginShare),
            (double?)read.Optional(WeeklyDiscountRate),
            purchases is null ? null : new BgNbdParameters(purchases[0], purchases[1], purchases[2], purchases[3]),
            spend is null ? null : new GammaGammaParameters(spend[0], spend[1], spend[2]));
    }

    public static decimal Compute(BgNbdGgParameters p, PurchaseHistory history, decimal? meanRepeatValue)
    {
        FormulaChecks.ThrowIfMissing(Id, ParameterNames, (PurchaseModel, p.Purchases is not null), (SpendModel, p.Spend is not null));
        FormulaChecks.ThrowIf(!(p.HorizonWeeks is >= 0 and <= MaximumHorizonWeeks), Id, ParameterNames, HorizonWeeks,
            HorizonRule);
        FormulaChecks.ThrowIf(p.MarginShare is < 0 or > 1, Id, ParameterNames, MarginShare, "must be between 0 and 1");
        FormulaChecks.ThrowIf(p.WeeklyDiscountRate <= -1, Id, ParameterNames, WeeklyDiscountRate, "must be greater than -1");
        FormulaChecks.ThrowIf(p.Spend!.Q <= 1, Id, ParameterNames, "q", "must be above 1 for the mean spend to exist");

        if (history.RepeatPurchases > 0 && meanRepeatValue is null)
            throw new ArgumentException("a customer with repeat purchases needs their mean repeat value", nameof(meanRepeatValue));

        var purchases = DiscountedExpectedPurchases(p.Purchases!, history, p.HorizonWeeks, p.WeeklyDiscountRate ?? 0);
        var spend = GammaGamma.ExpectedAverageSpend(p.Spend, new RepeatSpend(history.RepeatPurchases, (double)(meanRepeatValue ?? 0)));
        return (decimal)(purchases * spend * (p.MarginShare ?? 1));
    }

    private static double DiscountedExpectedPurchases(BgNbdParameters model, PurchaseHistory history, double horizon, double weeklyRate)
    {
        if (weeklyRate == 0) return BgNbd.ConditionalExpectedPurchases(model, history, horizon);

        var (total, before) = (0.0, 0.0);
        for (var week = 1; week - 1 < horizon; week++)
        {
            var end = Math.Min(week, horizon);
            var upToEnd = BgNbd.ConditionalExpectedPurchases(model, history, end);
            total += (upToEnd - before) / Math.Pow(1 + weeklyRate, end);
            before = upToEnd;
        }
        return total;
    }

    // The four BG/NBD numbers (or the three Gamma-Gamma ones) describe one fitted model; a partial
    // set mixed with fitted values would be a model nobody fitted.
    private static double[]? AllOrNone(FormulaParameterReader read, IReadOnlyList<string> names)
    {
        var given = names.Select(read.Optional).ToArray();
        if (given.All(v => v is null)) return null;
        if (given.Any(v => v is null))
            throw read.OutOfRange(string.Join("/", names), "must be given all together or not at all");
        if (given.Any(v => v <= 0))
            throw read.OutOfRange(string.Join("/", names), "must all be positive");
        return given.Select(v => (double)v!.Value).ToArray();
    }
}
