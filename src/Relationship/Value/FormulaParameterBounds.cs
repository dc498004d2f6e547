using System.Globalization;
using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Relationship.Value;

/// <summary>
/// The range each explicit parameter of a formula version may take, checked when a version is registered (docs/value.md,
/// section 7). Chosen so that no customer's value under a version reaches <see cref="PortfolioValueLimit"/>: money no
/// larger than a touchpoint's own amounts may be, counts and rates within what a business plans with. A version with
/// 10^28 as a margin once passed the probe customer, then every portfolio valuation failed adding such values up.
/// </summary>
public static class FormulaParameterBounds
{
    /// <summary>
    /// Money given as a parameter: as large as a touchpoint's amount may be, a loss as large as its margin may be.
    /// </summary>
    public const decimal MaximumMoney = TouchpointRules.MaximumAmount;

    /// <summary>Purchases (or units) a year: more than one an hour is not a customer relationship's rate.</summary>
    public const decimal MaximumPerYear = 10_000m;

    /// <summary>Nobody plans a relationship beyond a century.</summary>
    public const decimal MaximumLifetimeYears = 100m;

    /// <summary>
    /// Without a horizon, retention-ltv's r / (1 + i - r) is the number of discounted periods the margin is counted for:
    /// at most as many as <c>periods</c> may give.
    /// </summary>
    public const decimal MaximumDiscountedPeriods = FormulaParameterReader.MaximumPeriods;

    /// <summary>The BG/NBD and Gamma-Gamma numbers given in place of a fit (CDNOW's: 0.24 to 15.4).</summary>
    public const decimal SmallestModelNumber = 0.0001m, LargestModelNumber = 10_000m;

    /// <summary>
    /// No customer's current or potential value under parameters within these bounds comes near it (about 10^20 at most):
    /// a portfolio valuation counts a value beyond it as one it cannot compute, so that its sums over 79 million customers
    /// stay within a decimal's 7.9 x 10^28.
    /// </summary>
    public const decimal PortfolioValueLimit = 1_000_000_000_000_000_000_000m;

    private sealed record Range(decimal Min, decimal Max, string Why, bool MinExcluded = false)
    {
        public bool Holds(decimal value) => (MinExcluded ? value > Min : value >= Min) && value <= Max;
        public string Rule => $"must be {(MinExcluded ? "above" : "from")} {Text(Min)} {(MinExcluded ? "and at most" : "to")} {Text(Max)} ({Why})";
    }

    private static string Text(decimal value) => value.ToString("#,0.############################", CultureInfo.InvariantCulture);

    private static readonly Range Money = new(-MaximumMoney, MaximumMoney, "an amount, bounded as a touchpoint's amount and margin are");
    private static readonly Range PerYear = new(0, MaximumPerYear, "more than one an hour is no customer's rate");
    private static readonly Range Rate = new(0, 1, "a rate per period, 0 to 100%");
    private static readonly Range Share = new(0, 1, "a share");
    private static readonly Range Periods = new(0, FormulaParameterReader.MaximumPeriods, "a whole number of periods");
    private static readonly Range ModelNumber = new(SmallestModelNumber, LargestModelNumber, "a fitted model's number");

    private static readonly Dictionary<string, Dictionary<string, Range>> Ranges = new()
    {
        [SimpleClv.Id.Name] = new()
        {
            [SimpleClv.AverageOrderValue] = Money, [SimpleClv.PurchasesPerYear] = PerYear,
            [SimpleClv.LifetimeYears] = new(0, MaximumLifetimeYears, "years: nobody plans a relationship beyond a century"),
        },
        [WalandCole.Id.Name] = new()
        {
            [WalandCole.VolumePerPeriod] = PerYear with { Why = "units a period: more than one an hour is no customer's volume" },
            [WalandCole.MarginPerUnit] = Money, [WalandCole.DevelopmentCostPerPeriod] = Money, [WalandCole.RetentionCostPerPeriod] = Money,
            [WalandCole.AcquisitionCost] = Money, [WalandCole.CostOfCapital] = Rate, [WalandCole.Periods] = Periods,
        },
        [RetentionLtv.Id.Name] = new()
        {
            [RetentionLtv.MarginPerPeriod] = Money, [RetentionLtv.RetentionRate] = Rate, [RetentionLtv.DiscountRate] = Rate,
            [RetentionLtv.AcquisitionCost] = Money, [RetentionLtv.Periods] = Periods,
        },
        [BgNbdGgValue.Id.Name] = new()
        {
            [BgNbdGgValue.HorizonWeeks] = new(0, (decimal)BgNbdGgValue.MaximumHorizonWeeks, "weeks: a century at most"),
            [BgNbdGgValue.MarginShare] = Share, [BgNbdGgValue.WeeklyDiscountRate] = Rate,
            ["r"] = ModelNumber, ["alpha"] = ModelNumber, ["a"] = ModelNumber, ["b"] = ModelNumber,
            ["p"] = ModelNumber, ["q"] = new(1, LargestModelNumber, "above 1 for the mean spend to exist", MinExcluded: true),
            ["gamma"] = ModelNumber,
        },
    };

    /// <summary>The range of one parameter, as a rule ("must be from 0 to 1 (a rate per period, 0 to 100%)"); null for a name the formula does not take.</summary>
    public static string? RuleOf(string formula, string parameter) =>
        Ranges.TryGetValue(formula, out var ranges) && ranges.TryGetValue(parameter, out var range) ? range.Rule : null;

    /// <summary>
    /// Refuses the first parameter out of its range (<see cref="FormulaParameterException"/> naming it and the range), and
    /// retention-ltv's rates that would count the margin for more discounted periods than a horizon may have. Names the
    /// formula does not take are left to its own check, which lists the allowed ones.
    /// </summary>
    public static void Check(string formula, IReadOnlyDictionary<string, decimal> parameters)
    {
        if (!Ranges.TryGetValue(formula, out var ranges)) return;
        var id = ValueFormulas.All.Single(f => f.Name == formula);
        var allowed = ValueFormulas.ParameterNames[id];
        // In the formula's order, so that the same version is always refused for the same parameter.
        foreach (var name in allowed)
            if (parameters.TryGetValue(name, out var value) && ranges.TryGetValue(name, out var range) && !range.Holds(value))
                throw FormulaParameterException.OutOfRange(id, allowed, name, $"{range.Rule}, not {value.ToString(CultureInfo.InvariantCulture)}");
        if (formula == RetentionLtv.Id.Name && !parameters.ContainsKey(RetentionLtv.Periods))
            CheckDiscountedPeriods(id, allowed, parameters);
    }

    // The rates a version leaves out are the model's retention (at most 0.99, section 8) and 0.08: the worst of them is assumed.
    private static void CheckDiscountedPeriods(FormulaId id, IReadOnlyList<string> allowed, IReadOnlyDictionary<string, decimal> parameters)
    {
        var retention = parameters.GetValueOrDefault(RetentionLtv.RetentionRate, 0.99m);
        var discount = parameters.GetValueOrDefault(RetentionLtv.DiscountRate, CurrentValue.DefaultCostOfCapital);
        var remaining = 1m + discount - retention;
        if (remaining > 0 && retention / remaining <= MaximumDiscountedPeriods) return;
        var name = parameters.ContainsKey(RetentionLtv.RetentionRate) ? RetentionLtv.RetentionRate : RetentionLtv.DiscountRate;
        throw FormulaParameterException.OutOfRange(id, allowed, name,
            $"must leave retentionRate / (1 + discountRate - retentionRate), the number of discounted periods the margin is counted for " +
            $"without a horizon, at most {Text(MaximumDiscountedPeriods)} (as periods may be); give periods for a horizon");
    }
}
