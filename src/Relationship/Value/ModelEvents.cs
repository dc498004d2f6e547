namespace EventCrm.Relationship.Value;

/// <summary>A refit of the portfolio model over the whole base, as of a date. Never rename once shipped.</summary>
public sealed record PortfolioModelFitted(
    DateTimeOffset AsOf,
    string BenchmarkFormula,
    PortfolioModel Model,
    int Customers,
    int Churns,
    decimal CustomerYears,
    double? PurchaseLogLikelihood,
    double? SpendLogLikelihood,
    int? RepeatBuyers);
