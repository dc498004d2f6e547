namespace EventCrm.Relationship.Value;

// waland-cole@1, discounted customer value (Waland and Cole, seed 000):
//   VC = sum over t = 1..T of [ (Vol_t x M - D_t - R_t) x d^t ] - A,   d = 1 / (1 + COC)
// Vol_t: purchase volume in period t; M: margin per unit after tax; D_t: development costs;
// R_t: retention costs; A: acquisition cost; COC: cost of capital per period; T: periods.
// Money is decimal so a worked example reproduces to the cent.

// What happens in one future period; a list of these lets volume and costs change over time.
public sealed record WalandColePeriod(decimal Volume, decimal DevelopmentCost, decimal RetentionCost);

// The constant-per-period form that parameters over HTTP describe. Volume, margin, costs and the
// acquisition cost may be left null for the caller to measure from the customer's own events;
// the cost of capital and the horizon are business choices and must be given.
public sealed record WalandColeParameters(
    decimal? VolumePerPeriod,
    decimal? MarginPerUnit,
    decimal? DevelopmentCostPerPeriod,
    decimal? RetentionCostPerPeriod,
    decimal? AcquisitionCost,
    decimal CostOfCapital,
    int Periods);

public static class WalandCole
{
    public static readonly FormulaId Id = new("waland-cole", 1);

    public const string VolumePerPeriod = "volumePerPeriod";
    public const string MarginPerUnit = "marginPerUnit";
    public const string DevelopmentCostPerPeriod = "developmentCostPerPeriod";
    public const string RetentionCostPerPeriod = "retentionCostPerPeriod";
    public const string AcquisitionCost = "acquisitionCost";
    public const string CostOfCapital = "costOfCapital";
    public const string Periods = "periods";
    public static readonly IReadOnlyList<string> ParameterNames =
        [VolumePerPeriod, MarginPerUnit, DevelopmentCostPerPeriod, RetentionCostPerPeriod, AcquisitionCost, CostOfCapital, Periods];

    public static WalandColeParameters ParametersFrom(IReadOnlyDictionary<string, decimal> values)
    {
        var read = new FormulaParameterReader(Id, ParameterNames, values);
        return new WalandColeParameters(
            read.Optional(VolumePerPeriod), read.Optional(MarginPerUnit), read.Optional(DevelopmentCostPerPeriod),
            read.Optional(RetentionCostPerPeriod), read.Optional(AcquisitionCost),
            read.Required(CostOfCapital), read.RequiredWholeNumber(Periods));
    }

    public static decimal Compute(WalandColeParameters p)
    {
        FormulaChecks.ThrowIfMissing(Id, ParameterNames,
            (VolumePerPeriod, p.VolumePerPeriod.HasValue), (MarginPerUnit, p.MarginPerUnit.HasValue),
            (DevelopmentCostPerPeriod, p.DevelopmentCostPerPeriod.HasValue), (RetentionCostPerPeriod, p.RetentionCostPerPeriod.HasValue),
            (AcquisitionCost, p.AcquisitionCost.HasValue));
        FormulaChecks.ThrowIf(p.Periods is < 0 or > FormulaParameterReader.MaximumPeriods, Id, ParameterNames, Periods,
            FormulaParameterReader.PeriodsRule);

        var period = new WalandColePeriod(p.VolumePerPeriod!.Value, p.DevelopmentCostPerPeriod!.Value, p.RetentionCostPerPeriod!.Value);
        return Value(Enumerable.Repeat(period, p.Periods).ToList(), p.MarginPerUnit!.Value, p.AcquisitionCost!.Value, p.CostOfCapital);
    }

    public static decimal Value(IReadOnlyList<WalandColePeriod> periods, decimal marginPerUnit, decimal acquisitionCost, decimal costOfCapital)
    {
        FormulaChecks.ThrowIf(costOfCapital <= -1m, Id, ParameterNames, CostOfCapital, "must be greater than -1");

        var discount = 1m / (1m + costOfCapital);
        var discountToPeriod = 1m;   // d^t, built by multiplication: exact for rates like 25% (d = 0.8)
        var value = 0m;
        foreach (var period in periods)
        {
            discountToPeriod *= discount;
            value += (period.Volume * marginPerUnit - period.DevelopmentCost - period.RetentionCost) * discountToPeriod;
        }
        return value - acquisitionCost;
    }
}
