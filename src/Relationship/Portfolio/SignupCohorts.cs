namespace EventCrm.Relationship.Portfolio;

/// <summary>
/// Cohort retention: customers grouped by their signup month, and the share of each cohort that
/// is a customer 0, 1, 2... months after the cohort's month started.
/// </summary>
/// <remarks>
/// Months are calendar months read in the offset of <c>from</c>, so a caller who wants Paris
/// months passes Paris times. Every month that overlaps [from, to) gets a cohort, even an empty
/// one, so the table has no holes; the first and last cohorts only hold the signups inside the
/// period. A point is given only when its date is not after <c>to</c>: we do not know the future; one at
/// exactly <c>to</c> is judged just before it, as <c>customersAtEnd</c> is (the period is [from, to)).
///
/// At month 0 each member is looked at from its own signup, not from the first of the month:
/// a customer who signed up on the 10th was not yet one on the 1st, and a month-0 share of
/// nearly nothing would say so about every cohort. From month 1 on, every member has signed up
/// by the measuring date, which is then the same for the whole cohort.
/// </remarks>
internal static class SignupCohorts
{
    public static IReadOnlyList<SignupCohort> Follow(
        IReadOnlyList<PortfolioCustomer> customers, DateTimeOffset from, DateTimeOffset to, int periods)
    {
        var signedUpInPeriod = customers
            .Where(c => c.SignedUpAt is { } signup && from <= signup && signup < to)
            .ToLookup(c => MonthStart(c.SignedUpAt!.Value, from.Offset));

        var cohorts = new List<SignupCohort>();
        for (var month = MonthStart(from, from.Offset); month < to; month = month.AddMonths(1))
            cohorts.Add(Follow(month, signedUpInPeriod[month].ToList(), to, periods));
        return cohorts;
    }

    private static SignupCohort Follow(DateTimeOffset month, IReadOnlyList<PortfolioCustomer> members, DateTimeOffset to, int periods)
    {
        var points = Enumerable.Range(0, periods + 1)
            .Select(k => (MonthsAfter: k, At: month.AddMonths(k)))
            .TakeWhile(p => p.At <= to)
            .Select(p =>
            {
                var still = members.Count(c => IsStillCustomer(c, p.At, to));
                return new CohortRetentionPoint(p.MonthsAfter, p.At, still, Fraction.Of(still, members.Count));
            })
            .ToList();
        return new SignupCohort(month, members.Count, points);
    }

    // A point falling exactly at `to` is the period's end, judged just before it as the
    // period's customersAtEnd is: a churn at `to` belongs to the next period, and counting it
    // here made the last point disagree with customersAtEnd for the same instant.
    private static bool IsStillCustomer(PortfolioCustomer member, DateTimeOffset at, DateTimeOffset to) =>
        at == to ? member.IsCustomerJustBefore(to) : member.IsCustomerAt(Max(at, member.SignedUpAt!.Value));

    internal static DateTimeOffset MonthStart(DateTimeOffset at, TimeSpan offset)
    {
        var local = at.ToOffset(offset);
        return new DateTimeOffset(local.Year, local.Month, 1, 0, 0, 0, offset);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;
}
