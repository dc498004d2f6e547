using EventCrm.Relationship.Lifecycle;

namespace EventCrm.Relationship.Value;

public sealed record PortfolioModelFitResult(PortfolioModel Model, BgNbdFit? PurchaseFit, GammaGammaFit? SpendFit, int Customers, int Churns, decimal CustomerYears);

/// <summary>
/// Fits the portfolio model over every customer's ledger as of a date (docs/value.md says how
/// each number is defined, so an auditor can redo it).
/// </summary>
public static class PortfolioModelFit
{
    public const decimal BenchmarkPercentile = 0.8m;
    /// <summary>Below these counts a maximum-likelihood fit says more about noise than about customers.</summary>
    public const int MinimumBuyersForFit = 20, MinimumRepeatersForFit = 10;

    public static PortfolioModelFitResult Fit(IReadOnlyList<FoldedLedger> ledgers, DateTimeOffset asOf, FormulaChoice benchmarkFormula)
    {
        var (retention, churns, years) = AnnualRetention(ledgers, asOf);
        var revenue = ledgers.Sum(l => l.Historical.Revenue);
        var marginShare = revenue > 0 ? Math.Clamp(ledgers.Sum(l => l.Historical.Margin) / revenue, 0, 1) : PortfolioModel.Default.MarginShare;

        var summaries = CalibrationSummaries.From(
            ledgers.SelectMany(l => l.Purchases.Where(p => p.At <= asOf)
                .Select(p => new CustomerPurchase<string>(l.CustomerId, DateOnly.FromDateTime(p.At.UtcDateTime), p.Amount))),
            DateOnly.FromDateTime(asOf.UtcDateTime));
        // Only repeat buyers who spent something on their repeats count: Gamma-Gamma has no density for a mean of 0.
        var spends = summaries.Where(s => s.Spend is { MeanRepeatValue: > 0 }).Select(s => s.Spend!.Value).ToList();
        var purchaseFit = summaries.Count >= MinimumBuyersForFit ? FitOrNull(() => BgNbd.Fit(summaries.Select(s => s.History))) : null;
        var spendFit = spends.Count >= MinimumRepeatersForFit ? FitOrNull(() => GammaGamma.Fit(spends)) : null;

        var (affinity, share, baskets) = CategoryAssociations(ledgers);
        var model = PortfolioModel.Default with
        {
            AnnualRetentionRate = retention, MarginShare = marginShare,
            Purchases = purchaseFit?.Parameters, Spend = spendFit?.Parameters,
            CategoryAffinity = affinity, CategoryShare = share, Baskets = baskets,
            SegmentCategoryMargin = PeerCategoryMargins(ledgers, asOf),
        };
        model = WithBenchmarks(model, ledgers, asOf, benchmarkFormula);
        return new PortfolioModelFitResult(model, purchaseFit, spendFit, ledgers.Count, churns, years);
    }

    // Some bases have no maximum (e.g. perfectly regular buyers): then there is no model to use,
    // and bgnbd-gg says so (409), rather than the whole refit failing.
    private static T? FitOrNull<T>(Func<T> fit) where T : class
    {
        try
        {
            return fit();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// Churns per customer-year of exposure (signup to churn, or to the date) is the yearly churn
    /// hazard h; the share still there after a year is e^-h.
    /// </summary>
    private static (decimal Rate, int Churns, decimal Years) AnnualRetention(IReadOnlyList<FoldedLedger> ledgers, DateTimeOffset asOf)
    {
        var (churns, years) = (0, 0m);
        foreach (var ledger in ledgers)
        {
            if (ledger.RelationshipStart() is not { } start || start > asOf) continue;
            var churn = ledger.StateChanges().FirstOrDefault(c => c.State == CustomerStates.Churned && c.At <= asOf);
            if (churn is not null) churns++;
            years += (decimal)((churn?.At ?? asOf) - start).TotalDays / 365.25m;
        }
        if (years <= 0) return (PortfolioModel.Default.AnnualRetentionRate, churns, years);
        var rate = (decimal)Math.Exp(-(double)(churns / years));
        return (Math.Round(Math.Clamp(rate, 0.05m, 0.99m), 4), churns, Math.Round(years, 2));
    }

    private static (IReadOnlyDictionary<string, IReadOnlyDictionary<string, decimal>>, IReadOnlyDictionary<string, decimal>, IReadOnlyList<CategoryBasket>)
        CategoryAssociations(IReadOnlyList<FoldedLedger> ledgers)
    {
        var baskets = ledgers.Select(l => l.Purchases.Select(p => p.Category).ToHashSet()).Where(b => b.Count > 0).ToList();
        var categories = baskets.SelectMany(b => b).Distinct().Order().ToList();
        var buyers = categories.ToDictionary(c => c, c => baskets.Count(b => b.Contains(c)));
        var affinity = categories.ToDictionary(b => b, b => (IReadOnlyDictionary<string, decimal>)categories
            .Where(c => c != b)
            .ToDictionary(c => c, c => Math.Round((decimal)baskets.Count(basket => basket.Contains(b) && basket.Contains(c)) / buyers[b], 4)));
        var share = categories.ToDictionary(c => c, c => Math.Round((decimal)buyers[c] / baskets.Count, 4));
        var exactly = baskets.Select(b => b.Order(StringComparer.Ordinal).ToList())
            .GroupBy(b => string.Join('\u001f', b))
            .Select(g => new CategoryBasket(g.First(), g.Count()))
            .OrderByDescending(b => b.Customers).ThenBy(b => string.Join('\u001f', b.Categories), StringComparer.Ordinal)
            .ToList();
        return (affinity, share, exactly);
    }

    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, decimal>> PeerCategoryMargins(
        IReadOnlyList<FoldedLedger> ledgers, DateTimeOffset asOf) =>
        ledgers.Where(l => l.Segment is not null && l.Purchases.Count > 0)
            .GroupBy(l => l.Segment!)
            .ToDictionary(segment => segment.Key, segment => (IReadOnlyDictionary<string, decimal>)segment
                .SelectMany(l => l.MarginByCategory().Select(m => (Category: m.Key, PerYear: m.Value / CustomerMeasures.Of(l, asOf, PortfolioModel.Default).TenureYears)))
                .GroupBy(x => x.Category)
                .ToDictionary(c => c.Key, c => Math.Round(c.Average(x => x.PerYear), 2)));

    // A customer the formula cannot value (parameters out of range for its figures) has no place
    // in the benchmarks; it must not stop the whole refit.
    private static decimal? ValueOrNull(FormulaChoice formula, CustomerLedger ledger, DateTimeOffset asOf, PortfolioModel model)
    {
        try
        {
            return CurrentValue.Of(formula, ledger, asOf, model).Value;
        }
        catch (Exception e) when (e is FormulaParameterException or ModelNotFittedException or ArgumentException)
        {
            return null;
        }
    }

    private static PortfolioModel WithBenchmarks(PortfolioModel model, IReadOnlyList<FoldedLedger> ledgers, DateTimeOffset asOf, FormulaChoice formula)
    {
        if (formula.Name == "bgnbd-gg" && (model.Purchases is null || model.Spend is null)) formula = FormulaChoice.Default;
        var values = ledgers
            .Where(l => l.SignedUpAt is not null && l.State() != CustomerStates.Churned)
            .Select(l => (l.Segment, Value: ValueOrNull(formula, l, asOf, model)))
            .Where(v => v.Value is not null)
            .Select(v => (v.Segment, Value: v.Value!.Value))
            .ToList();
        return model with
        {
            SegmentBenchmarks = values.Where(v => v.Segment is not null).GroupBy(v => v.Segment!)
                .ToDictionary(g => g.Key, g => Math.Round(Percentile.Of(g.Select(v => v.Value).ToList(), BenchmarkPercentile), 2)),
            HighTierFrom = Math.Round(Percentile.Of(values.Select(v => v.Value).ToList(), 0.8m), 2),
            MediumTierFrom = Math.Round(Percentile.Of(values.Select(v => v.Value).ToList(), 0.5m), 2),
        };
    }
}
