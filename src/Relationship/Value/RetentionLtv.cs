namespace EventCrm.Relationship.Value;

// retention-ltv@1, lifetime value with retention and discounting (seed 002):
//   LTV = sum over t = 1..T of m_t x r^t / (1 + i)^t - AC
// m: margin per period (revenue - operating costs - commercial costs); r: retention rate per
// period; i: discount rate (cost of capital); AC: acquisition cost.
// With a constant margin and no end (T -> infinity) the geometric series closes to
//   LTV = m x r / (1 + i - r) - AC,   which needs r < 1 + i to converge.

// MarginPerPeriod and AcquisitionCost may be left null for the caller to measure from the
// customer's own events. Periods null means no horizon: the closed form above is used.
public sealed record RetentionLtvParameters(
    decimal? MarginPerPeriod,
    decimal RetentionRate,
    decimal DiscountRate,
    decimal? AcquisitionCost,
    int? Periods);

public static class RetentionLtv
{
    public static readonly FormulaId Id = new("retention-ltv", 1);
    private static readonly string PeriodsOrNoHorizonRule = $"{FormulaParameterReader.PeriodsRule}, or absent for no horizon";

    public const string MarginPerPeriod = "marginPerPeriod";
    public const string RetentionRate = "retentionRate";
    public const string DiscountRate = "discountRate";
    public const string AcquisitionCost = "acquisitionCost";
    public const string Periods = "periods";
    public static readonly IReadOnlyList<string> ParameterNames = [MarginPerPeriod, RetentionRate, DiscountRate, AcquisitionCost, Periods];

    public static RetentionLtvParameters ParametersFrom(IReadOnlyDictionary<string, decimal> values)
    {
        var read = new FormulaParameterReader(Id, ParameterNames, values);
        return new RetentionLtvParameters(
            read.Optional(MarginPerPeriod), read.Required(RetentionRate), read.Required(DiscountRate),
            read.Optional(AcquisitionCost), read.OptionalWholeNumber(Periods));
    }

    public static decimal Compute(RetentionLtvParameters p)
    {
        FormulaChecks.ThrowIfMissing(Id, ParameterNames, (MarginPerPeriod, p.MarginPerPeriod.HasValue), (AcquisitionCost, p.AcquisitionCost.HasValue));
        var margin = p.MarginPerPeriod!.Value;
        var acquisitionCost = p.AcquisitionCost!.Value;
        FormulaChecks.ThrowIf(p.Periods is < 0 or > FormulaParameterReader.MaximumPeriods, Id, ParameterNames, Periods,
            PeriodsOrNoHorizonRule);

        return p.Periods is { } periods
            ? Value(Enumerable.Repeat(margin, periods).ToList(), p.RetentionRate, p.DiscountRate, acquisitionCost)
            : ValueWithoutHorizon(margin, p.RetentionRate, p.DiscountRate, acquisitionCost);
    }

    public static decimal Value(IReadOnlyList<decimal> marginPerPeriod, decimal retentionRate, decimal discountRate, decimal acquisitionCost)
    {
        CheckRates(retentionRate, discountRate);

        // r^t / (1+i)^t grows by one factor a period; dividing keeps 0.8 / 1.25 style examples exact.
        var survivingAndDiscounted = 1m;
        var value = 0m;
        foreach (var margin in marginPerPeriod)
        {
            survivingAndDiscounted = survivingAndDiscounted * retentionRate / (1m + discountRate);
            value += margin * survivingAndDiscounted;
        }
        return value - acquisitionCost;
    }

    public static decimal ValueWithoutHorizon(decimal marginPerPeriod, decimal retentionRate, decimal discountRate, decimal acquisitionCost)
    {
        CheckRates(retentionRate, discountRate);
        FormulaChecks.ThrowIf(1m + discountRate - retentionRate <= 0m, Id, ParameterNames, RetentionRate,
            "must be below 1 + discountRate when there is no horizon (the sum would not converge)");

        return marginPerPeriod * retentionRate / (1m + discountRate - retentionRate) - acquisitionCost;
    }

    private static void CheckRates(decimal retentionRate, decimal discountRate)
    {
        FormulaChecks.ThrowIf(retentionRate is < 0m or > 1m, Id, ParameterNames, RetentionRate, "must be between 0 and 1");
        FormulaChecks.ThrowIf(discountRate <= -1m, Id, ParameterNames, DiscountRate, "must be greater than -1");
    }
}
