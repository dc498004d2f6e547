namespace EventCrm.Relationship.Value;

public sealed record CurrentValueResult(decimal Value, IReadOnlyDictionary<string, decimal> Inputs, string? Note);

/// <summary>
/// The value of the transactions we expect from a customer from a date on, under a chosen
/// formula. Every input the formula's parameters leave open is estimated from the customer's own
/// measures and the portfolio model (docs/value.md); the result lists every input it used.
/// </summary>
public static partial class CurrentValue
{
    public const decimal DefaultCostOfCapital = 0.08m;
    public const decimal DefaultHorizonWeeks = 52m;
    /// <summary>Geometric lifetimes explode as retention nears 1; nobody plans a relationship beyond this.</summary>
    public const decimal MaximumLifetimeYears = 20m;

    public static CurrentValueResult Of(FormulaChoice formula, CustomerLedger ledger, DateTimeOffset asOf, PortfolioModel model)
    {
        if (!FormulaChoice.Names.Contains(formula.Name))
            throw new ArgumentException($"unknown formula '{formula.Name}'; known: {string.Join(", ", FormulaChoice.Names)}");

        var pinned = Pinned.GetValue(formula, PinnedValue);
        var inputs = pinned.Value?.Inputs ?? Inputs(formula, ledger, asOf, model);

        if (ledger.State() is Lifecycle.CustomerStates.Churned)
            return new(0, inputs, "churned: no transactions are expected any more");
        if (ledger.PurchaseCount() == 0 && ledger.SignedUpAt is null)
            return new(0, inputs, "prospect: no transactions are expected until the lead converts");
        if (pinned.Value is { } same) return same;

        try
        {
            var value = Estimates.ContainsKey(formula.Name) ? FromInputs(formula.Name, inputs) : BgNbdGg(inputs, ledger, asOf);
            return new(Math.Round(value, 2), inputs, null);
        }
        catch (ArithmeticException e)
        {
            var id = ValueFormulas.All.Single(f => f.Name == formula.Name);
            throw FormulaParameterException.CannotBeComputed(id, ValueFormulas.ParameterNames[id], inputs, Why(e));
        }
    }

    // .NET's own messages ("Value was either too large or too small for a Decimal.") name a type, not the client's problem.
    private static string Why(ArithmeticException failure) => failure switch
    {
        OverflowException => "a figure of the formula exceeds the largest amount held, about 7.9e28",
        DivideByZeroException => "the formula divides by zero with them",
        _ => failure.Message,
    };

    /// <summary>The value of a formula whose every input is a number (all but bgnbd-gg, which reads the customer's purchases too).</summary>
    private static decimal FromInputs(string formula, IReadOnlyDictionary<string, decimal> inputs) => formula switch
    {
        "simple-clv" => SimpleClv.Compute(SimpleClv.ParametersFrom(inputs)),
        "waland-cole" => WalandCole.Compute(WalandCole.ParametersFrom(inputs)),
        "retention-ltv" => RetentionLtv.Compute(RetentionLtv.ParametersFrom(inputs)),
        _ => throw new ArgumentException($"'{formula}' is not valued from its inputs alone"),
    };

    /// <summary>
    /// Checks a formula's explicit parameters without a customer: each within its range (<see cref="FormulaParameterBounds"/>),
    /// names, and values a formula can use.
    /// </summary>
    public static void Validate(string name, IReadOnlyDictionary<string, decimal> parameters)
    {
        FormulaParameterBounds.Check(name, parameters);
        var probe = FormulaChoiceProbe.Ledger;
        Of(new FormulaChoice(name, 0, parameters), probe, probe.Purchases[^1].At, FormulaChoiceProbe.Model);
    }

    /// <summary>
    /// A formula version that gives some of a model's numbers means its own model: the fitted
    /// numbers must not fill the rest in, so a partial set is refused rather than mixed.
    /// </summary>
    private static void ForgetFittedModelsOverriddenInPart(Dictionary<string, decimal> inputs, IReadOnlyDictionary<string, decimal> given)
    {
        if (given.Count == 0) return; // the common case, met once per valuation: no model numbers given
        foreach (var names in new[] { BgNbdGgValue.PurchaseModelNames, BgNbdGgValue.SpendModelNames })
        {
            if (names.Any(given.ContainsKey)) foreach (var name in names) inputs.Remove(name);
        }
    }

    private delegate decimal Estimate(CustomerMeasures measures, PortfolioModel model);

    /// <summary>What each formula estimates when its parameters leave it open, in the order a valuation lists its inputs.</summary>
    private static readonly Dictionary<string, (string Input, Estimate Estimate)[]> Estimates = new()
    {
        ["simple-clv"] =
        [
            (SimpleClv.AverageOrderValue, (m, _) => m.AverageOrderValue), (SimpleClv.PurchasesPerYear, (m, _) => m.PurchasesPerYear),
            (SimpleClv.LifetimeYears, (_, model) => LifetimeYears(model)),
        ],
        ["waland-cole"] =
        [
            (WalandCole.VolumePerPeriod, (m, _) => m.PurchasesPerYear), (WalandCole.MarginPerUnit, (m, _) => m.MarginPerPurchase),
            (WalandCole.DevelopmentCostPerPeriod, (m, _) => m.DevelopmentCostPerYear), (WalandCole.RetentionCostPerPeriod, (m, _) => m.RetentionCostPerYear),
            (WalandCole.AcquisitionCost, (_, _) => 0), (WalandCole.CostOfCapital, (_, _) => DefaultCostOfCapital),
            (WalandCole.Periods, (_, model) => Math.Max(1, Math.Round(LifetimeYears(model)))),
        ],
        ["retention-ltv"] =
        [
            (RetentionLtv.MarginPerPeriod, (m, _) => m.NetMarginPerYear), (RetentionLtv.RetentionRate, (_, model) => model.AnnualRetentionRate),
            (RetentionLtv.DiscountRate, (_, _) => DefaultCostOfCapital), (RetentionLtv.AcquisitionCost, (_, _) => 0),
        ],
    };

    /// <summary>
    /// The formula's inputs: the given parameters, the rest estimated. The customer's measures are
    /// taken only when an input is left open (a replay values every customer after every touchpoint).
    /// </summary>
    private static Dictionary<string, decimal> Inputs(FormulaChoice formula, CustomerLedger ledger, DateTimeOffset asOf, PortfolioModel model)
    {
        if (!Estimates.TryGetValue(formula.Name, out var estimates))
        {
            var fitted = BgNbdEstimates(CustomerMeasures.Of(ledger, asOf, model), model);
            ForgetFittedModelsOverriddenInPart(fitted, formula.Parameters);
            foreach (var (name, value) in formula.Parameters) fitted[name] = value;
            return fitted;
        }
        CustomerMeasures? measures = null;
        var (inputs, given) = (new Dictionary<string, decimal>(estimates.Length + formula.Parameters.Count), 0);
        foreach (var (input, estimate) in estimates)
        {
            if (formula.Parameters.TryGetValue(input, out var value)) given++;
            else value = estimate(measures ??= CustomerMeasures.Of(ledger, asOf, model), model);
            inputs.Add(input, value);
        }
        // Any other name is not one of the formula's: passed on for its parameter check to refuse.
        if (given < formula.Parameters.Count)
            foreach (var (name, value) in formula.Parameters) inputs.TryAdd(name, value);
        return inputs;
    }

    private static decimal LifetimeYears(PortfolioModel model)
    {
        var retention = model.AnnualRetentionRate;
        return Math.Min(MaximumLifetimeYears, retention >= 1 ? MaximumLifetimeYears : retention / (1 - retention));
    }

    private static Dictionary<string, decimal> BgNbdEstimates(CustomerMeasures m, PortfolioModel model)
    {
        var estimates = new Dictionary<string, decimal>
        {
            [BgNbdGgValue.HorizonWeeks] = DefaultHorizonWeeks, [BgNbdGgValue.MarginShare] = m.MarginShare,
        };
        if (model.Purchases is { } p)
        {
            (estimates["r"], estimates["alpha"], estimates["a"], estimates["b"]) = ((decimal)p.R, (decimal)p.Alpha, (decimal)p.A, (decimal)p.B);
        }
        if (model.Spend is { } s)
        {
            (estimates["p"], estimates["q"], estimates["gamma"]) = ((decimal)s.P, (decimal)s.Q, (decimal)s.Gamma);
        }
        return estimates;
    }

    private static decimal BgNbdGg(IReadOnlyDictionary<string, decimal> inputs, CustomerLedger ledger, DateTimeOffset asOf)
    {
        var parameters = BgNbdGgValue.ParametersFrom(inputs);
        if (parameters.Purchases is null || parameters.Spend is null)
            throw new ModelNotFittedException();
        var (history, meanRepeatValue) = PurchaseOutlook.HistoryOf(ledger, asOf);
        return BgNbdGgValue.Compute(parameters, history, meanRepeatValue);
    }
}

public sealed class ModelNotFittedException() : InvalidOperationException(
    "bgnbd-gg needs the BG/NBD and Gamma-Gamma models fitted over the customer base: run the clv-refit command or POST /api/models/refit, or give r, alpha, a, b, p, q and gamma explicitly.");
