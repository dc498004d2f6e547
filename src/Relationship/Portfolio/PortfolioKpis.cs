namespace EventCrm.Relationship.Portfolio;

/// <summary>
/// Conversion, retention, cohort retention and average CLV over a period [from, to) (seed 004,
/// domain.md "Retention"). Times come in as arguments: the same call gives the same answer on
/// every replay.
/// </summary>
public static class PortfolioKpis
{
    /// <summary>
    /// The KPIs of one period, through a <see cref="PortfolioKpiIndex"/> of the customers: a caller asking of the same
    /// base for many periods (the portfolio routes, once per valuation) keeps the index and asks it instead.
    /// </summary>
    public static PortfolioKpiReport For(
        IEnumerable<PortfolioCustomer> customers, DateTimeOffset from, DateTimeOffset to, int cohortPeriods = 12) =>
        PortfolioKpiIndex.Of(customers).For(from, to, cohortPeriods);

    /// <summary>The definitions read literally: a pass over every customer for the period (what the index must answer).</summary>
    public static PortfolioKpiReport ByPass(
        IEnumerable<PortfolioCustomer> customers, DateTimeOffset from, DateTimeOffset to, int cohortPeriods = 12)
    {
        if (from > to) throw new ArgumentException($"the period must not end ({to:O}) before it starts ({from:O})", nameof(to));
        ArgumentOutOfRangeException.ThrowIfNegative(cohortPeriods);

        var list = customers.ToList();
        return new PortfolioKpiReport(
            from, to,
            Conversion(list, from, to),
            Retention(list, from, to),
            SignupCohorts.Follow(list, from, to, cohortPeriods),
            AverageClvAt(list, to));
    }

    // A lead of the period counts as converted whenever it signed up before the period's end,
    // even after the period's last lead: conversion takes time and we measure as of `to`.
    private static LeadConversion Conversion(IReadOnlyList<PortfolioCustomer> customers, DateTimeOffset from, DateTimeOffset to)
    {
        var leads = customers.Where(c => c.LeadAt is { } lead && from <= lead && lead < to).ToList();
        var converted = leads.Count(c => c.SignedUpAt is { } signup && signup < to);
        return new LeadConversion(leads.Count, converted, Fraction.Of(converted, leads.Count));
    }

    // The period is [from, to): who it starts with is counted before anything at `from` happens,
    // who it ends with before `to`. Acquired is whoever became a customer in it, by a signup, a
    // first purchase or a win-back: the base kept is what is left, so the rate never exceeds 1.
    private static PeriodRetention Retention(IReadOnlyList<PortfolioCustomer> customers, DateTimeOffset from, DateTimeOffset to)
    {
        var atStart = customers.Count(c => c.IsCustomerJustBefore(from));
        var atEnd = customers.Count(c => c.IsCustomerJustBefore(to));
        var acquired = customers.Count(c => c.BecameCustomerDuring(from, to));
        return new PeriodRetention(atStart, atEnd, acquired, Fraction.Of(atEnd - acquired, atStart));
    }

    internal static AverageClv AverageClvAt(IReadOnlyList<PortfolioCustomer> customers, DateTimeOffset to)
    {
        var values = customers.Where(c => c.IsCustomerJustBefore(to)).Select(c => c.CurrentValue).ToList();
        // Money, so to the cent half to even as every current value it averages.
        return new AverageClv(values.Count, values.Count == 0 ? null : Math.Round(values.Sum() / values.Count, 2, MidpointRounding.ToEven));
    }
}
