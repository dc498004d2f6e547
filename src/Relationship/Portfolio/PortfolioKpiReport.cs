namespace EventCrm.Relationship.Portfolio;

// The KPIs of seed 004 over one period [From, To), rates and shares to 4 decimals. Every rate is
// null, never NaN, when its denominator is zero: "no leads" is not "0% conversion".

public sealed record PortfolioKpiReport(
    DateTimeOffset From,
    DateTimeOffset To,
    LeadConversion Conversion,
    PeriodRetention Retention,
    IReadOnlyList<SignupCohort> Cohorts,
    AverageClv AverageClv);

/// <summary>Leads captured in the period, and how many of them had signed up by its end.</summary>
public sealed record LeadConversion(int LeadsCaptured, int LeadsConverted, decimal? Rate);

/// <summary>(customers at end - customers acquired during the period) / customers at start, as domain.md defines it.</summary>
public sealed record PeriodRetention(int CustomersAtStart, int CustomersAtEnd, int CustomersAcquired, decimal? Rate);

/// <summary>Customers who signed up in one calendar month of the period, followed month by month.</summary>
public sealed record SignupCohort(DateTimeOffset MonthStart, int Size, IReadOnlyList<CohortRetentionPoint> Retention);

/// <summary>How many of the cohort were customers <paramref name="MonthsAfter"/> months after its month started.</summary>
public sealed record CohortRetentionPoint(int MonthsAfter, DateTimeOffset At, int StillCustomers, decimal? Share);

/// <summary>Mean current value over the customers at the end of the period, to the cent.</summary>
public sealed record AverageClv(int Customers, decimal? Value);
