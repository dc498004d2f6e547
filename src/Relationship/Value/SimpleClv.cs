namespace EventCrm.Relationship.Value;

// simple-clv@1 (seeds 003 and 004):
//   CLV = average order value x purchases per year x expected lifetime in years
// Seed 004's worked example: 100 EUR x 4 purchases a year x 5 years = 2,000 EUR.
// No discounting and no margin: it is the seeds' back-of-the-envelope revenue figure.

// AverageOrderValue and PurchasesPerYear may be left null for the caller to measure from the
// customer's purchases; the expected lifetime is a business assumption and must be given.
public sealed record SimpleClvParameters(decimal? AverageOrderValue, decimal? PurchasesPerYear, decimal LifetimeYears);

public static class SimpleClv
{
    public static readonly FormulaId Id = new("simple-clv", 1);

    public const string AverageOrderValue = "averageOrderValue";
    public const string PurchasesPerYear = "purchasesPerYear";
    public const string LifetimeYears = "lifetimeYears";
    public static readonly IReadOnlyList<string> ParameterNames = [AverageOrderValue, PurchasesPerYear, LifetimeYears];

    public static SimpleClvParameters ParametersFrom(IReadOnlyDictionary<string, decimal> values)
    {
        var read = new FormulaParameterReader(Id, ParameterNames, values);
        return new SimpleClvParameters(read.Optional(AverageOrderValue), read.Optional(PurchasesPerYear), read.Required(LifetimeYears));
    }

    public static decimal Compute(SimpleClvParameters parameters)
    {
        FormulaChecks.ThrowIfMissing(Id, ParameterNames,
            (AverageOrderValue, parameters.AverageOrderValue.HasValue), (PurchasesPerYear, parameters.PurchasesPerYear.HasValue));
        FormulaChecks.ThrowIf(parameters.PurchasesPerYear < 0, Id, ParameterNames, PurchasesPerYear, "must be 0 or more");
        FormulaChecks.ThrowIf(parameters.LifetimeYears < 0, Id, ParameterNames, LifetimeYears, "must be 0 or more");

        return parameters.AverageOrderValue!.Value * parameters.PurchasesPerYear!.Value * parameters.LifetimeYears;
    }
}
