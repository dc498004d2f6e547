using EventCrm.Relationship.Value;

namespace EventCrm.Host.Models;

public sealed record ModelView(
    DateTimeOffset? FittedAt, DateTimeOffset? AsOf, string? BenchmarkFormula, int Customers, int Churns, decimal CustomerYears,
    double? PurchaseLogLikelihood, double? SpendLogLikelihood, PortfolioModel Model)
{
    public static ModelView Of(PortfolioModelFitted f, DateTimeOffset? fittedAt) => new(fittedAt, f.AsOf, f.BenchmarkFormula,
        f.Customers, f.Churns, f.CustomerYears, f.PurchaseLogLikelihood, f.SpendLogLikelihood, f.Model);
}
