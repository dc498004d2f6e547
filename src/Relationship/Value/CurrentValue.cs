namespace EventCrm.Relationship.Value;

public sealed record CurrentValueResult(decimal Value, IReadOnlyDictionary<string, decimal> Inputs, string? Note);

/// <summary>
/// The value of the transactions we expect from a customer from a date on, under a chosen
/// formula. Every input the formula's parameters leave open is estimated from the customer's own
/// measures and the portfolio model (docs/value.md); the result lists every input it used.
/// </summary>
public static class CurrentValue
{
    public const decimal DefaultCostOfCapital = 0.08m;
    public const decimal DefaultHorizonWeeks = 52m;
    /// <summary>Geometric lifetimes explode as retention nears 1; nobody plans a relationship beyond this.</summary>
    public const decimal MaximumLifetimeYears = 20m;

    public static CurrentValueResult Of(FormulaChoice formula, CustomerLedger ledger, DateTimeOffset asOf, PortfolioModel model)
    {
        if (!FormulaChoice.Names.Contains(formula.Name))
            throw new ArgumentException($"unknown formula '{formula.Name}'; known: {string.Join(", ", FormulaChoice.Names)}");

        var measures = CustomerMeasures.Of(ledger, asOf, model);
        var inputs = Estimates(formula.Name, measures, model);
        ForgetFittedModelsOverriddenInPart(inputs, formula.Parameters);
        foreach (var (name, given) in formula.Parameters) inputs[name] = given;

        if (ledger.State() is Lifecycle.CustomerStates.Churned)
            return new(0, inputs, "churned: no transactions are expected any more");
        if (ledger.Purchases.Count == 0 && ledger.SignedUpAt is null)
            return new(0, inputs, "prospect: no transactions are expected until the lead converts");

        var value = formula.Name switch
        {
            "simple-clv" => SimpleClv.Compute(SimpleClv.ParametersFrom(inputs)),
            "waland-cole" => WalandCole.Compute(WalandCole.ParametersFrom(inputs)),
            "retention-ltv" => RetentionLtv.Compute(RetentionLtv.ParametersFrom(inputs)),
            _ => BgNbdGg(inputs, ledger, asOf),
        };
        return new(Math.Round(value, 2), inputs, null);
    }

    /// <summary>Checks a formula's explicit parameters without a customer: names, and values a formula can use.</summary>
    public static void Validate(string name, IReadOnlyDictionary<string, decimal> parameters)
    {
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

    private static Dictionary<string, decimal> Estimates(string formula, CustomerMeasures m, PortfolioModel model)
    {
        var retention = model.AnnualRetentionRate;
        var lifetime = Math.Min(MaximumLifetimeYears, retention >= 1 ? MaximumLifetimeYears : retention / (1 - retention));
        return formula switch
        {
            "simple-clv" => new()
            {
                [SimpleClv.AverageOrderValue] = m.AverageOrderValue, [SimpleClv.PurchasesPerYear] = m.PurchasesPerYear,
                [SimpleClv.LifetimeYears] = lifetime,
            },
            "waland-cole" => new()
            {
                [WalandCole.VolumePerPeriod] = m.PurchasesPerYear, [WalandCole.MarginPerUnit] = m.MarginPerPurchase,
                [WalandCole.DevelopmentCostPerPeriod] = m.DevelopmentCostPerYear, [WalandCole.RetentionCostPerPeriod] = m.RetentionCostPerYear,
                [WalandCole.AcquisitionCost] = 0, [WalandCole.CostOfCapital] = DefaultCostOfCapital,
                [WalandCole.Periods] = Math.Max(1, Math.Round(lifetime)),
            },
            "retention-ltv" => new()
            {
                [RetentionLtv.MarginPerPeriod] = m.NetMarginPerYear, [RetentionLtv.RetentionRate] = retention,
                [RetentionLtv.DiscountRate] = DefaultCostOfCapital, [RetentionLtv.AcquisitionCost] = 0,
            },
            _ => BgNbdEstimates(m, model),
        };
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

    private static decimal BgNbdGg(Dictionary<string, decimal> inputs, CustomerLedger ledger, DateTimeOffset asOf)
    {
        var parameters = BgNbdGgValue.ParametersFrom(inputs);
        if (parameters.Purchases is null || parameters.Spend is null)
            throw new ModelNotFittedException();
        var end = DateOnly.FromDateTime(asOf.UtcDateTime);
        var summary = CalibrationSummaries.From(
            ledger.Purchases.Select(p => new CustomerPurchase<string>(ledger.CustomerId, DateOnly.FromDateTime(p.At.UtcDateTime), p.Amount)), end)
            .SingleOrDefault();
        var history = summary?.History ?? new PurchaseHistory(0, 0, 0);
        return BgNbdGgValue.Compute(parameters, history, summary?.MeanRepeatValue);
    }
}

public sealed class ModelNotFittedException() : InvalidOperationException(
    "bgnbd-gg needs the BG/NBD and Gamma-Gamma models fitted over the customer base: run the clv-refit command or POST /api/models/refit, or give r, alpha, a, b, p, q and gamma explicitly.");
