using EventCrm.Relationship.Portfolio;
using Shouldly;
using static EventCrm.Relationship.Tests.Portfolio.PortfolioCustomers;

namespace EventCrm.Relationship.Tests.Portfolio;

public class when_following_signup_cohorts
{
    // Period [1 Jan, 15 Mar 2025): cohorts January, February and March.
    //      signup     then                                      1 Feb  1 Mar
    // c1   3 Jan      -                                          yes    yes
    // c2   10 Jan     churned 20 Jan                             -      -
    // c3   15 Jan     churned 10 Feb, won back 25 Feb            yes    yes
    // c4   31 Jan     asks to cancel 5 Feb, churned 20 Feb       yes    -
    // c5   1 Feb      churned 28 Feb                             yes    -
    // c6   31 Dec 24  (before the period: in no cohort)
    private static readonly PortfolioCustomer[] Base =
    [
        SignedUp("c1", Day(2025, 1, 3)),
        SignedUp("c2", Day(2025, 1, 10), Churned(Day(2025, 1, 20))),
        SignedUp("c3", Day(2025, 1, 15), Churned(Day(2025, 2, 10)), Active(Day(2025, 2, 25))),
        SignedUp("c4", Day(2025, 1, 31), CancellationRequested(Day(2025, 2, 5)), Churned(Day(2025, 2, 20))),
        SignedUp("c5", Day(2025, 2, 1), Churned(Day(2025, 2, 28))),
        SignedUp("c6", Day(2024, 12, 31)),
    ];

    private static IReadOnlyList<SignupCohort> Cohorts(DateTimeOffset from, DateTimeOffset to, int periods = 12) =>
        PortfolioKpis.For(Base, from, to, periods).Cohorts;

    [Fact]
    public void each_month_of_the_period_is_a_cohort_of_its_signups()
    {
        var cohorts = Cohorts(Day(2025, 1, 1), Day(2025, 3, 15));

        cohorts.Select(c => (c.MonthStart, c.Size)).ShouldBe([(Day(2025, 1, 1), 4), (Day(2025, 2, 1), 1), (Day(2025, 3, 1), 0)]);
    }

    [Fact]
    public void the_share_still_customers_is_read_month_by_month_until_the_period_ends()
    {
        var january = Cohorts(Day(2025, 1, 1), Day(2025, 3, 15))[0];

        // month 0: everyone was a customer at its own signup = 4 / 4
        // 1 Feb: c1, c3, c4 (c2 churned) = 3 / 4
        // 1 Mar: c1, c3 (won back); c2 and c4 churned = 2 / 4
        // 1 Apr is after 15 Mar: not measured
        january.Retention.ShouldBe(
        [
            new CohortRetentionPoint(0, Day(2025, 1, 1), 4, 1m),
            new CohortRetentionPoint(1, Day(2025, 2, 1), 3, 0.75m),
            new CohortRetentionPoint(2, Day(2025, 3, 1), 2, 0.5m),
        ]);
    }

    [Fact]
    public void a_cohort_shrinks_to_nothing_and_an_empty_cohort_has_no_share()
    {
        var cohorts = Cohorts(Day(2025, 1, 1), Day(2025, 3, 15));

        // February: c5 signed up at 00:00 on 1 Feb, a customer then (1 / 1), churned by 1 Mar (0 / 1)
        cohorts[1].Retention.ShouldBe([new CohortRetentionPoint(0, Day(2025, 2, 1), 1, 1m), new CohortRetentionPoint(1, Day(2025, 3, 1), 0, 0m)]);
        // March: nobody signed up, a single point at 1 Mar without a share
        cohorts[2].Retention.ShouldBe([new CohortRetentionPoint(0, Day(2025, 3, 1), 0, null)]);
    }

    [Fact]
    public void no_more_than_the_requested_number_of_months_are_followed()
    {
        // cohortPeriods = 1: months 0 and 1 only, although 1 Mar is inside the period
        Cohorts(Day(2025, 1, 1), Day(2025, 3, 15), periods: 1)[0].Retention.Select(p => p.Share).ShouldBe([1m, 0.75m]);
    }

    [Fact]
    public void a_period_starting_mid_month_keeps_only_that_months_later_signups()
    {
        // from 15 Jan: the January cohort is c3 (15 Jan) and c4 (31 Jan); it still counts from 1 Jan
        // 1 Feb: both customers = 2 / 2; 1 Mar: c3 won back, c4 churned = 1 / 2
        var january = Cohorts(Day(2025, 1, 15), Day(2025, 3, 15))[0];

        january.MonthStart.ShouldBe(Day(2025, 1, 1));
        january.Size.ShouldBe(2);
        january.Retention.Select(p => p.Share).ShouldBe([1m, 1m, 0.5m]);
    }

    [Fact]
    public void months_are_read_in_the_offset_of_the_period_start()
    {
        // 31 Jan 23:30 UTC is 1 Feb 00:30 in UTC+1: a February signup for a Paris-time period
        var paris = TimeSpan.FromHours(1);
        var lateNight = SignedUp("n", new DateTimeOffset(2025, 1, 31, 23, 30, 0, TimeSpan.Zero));

        var cohorts = PortfolioKpis.For([lateNight], new DateTimeOffset(2025, 1, 1, 0, 0, 0, paris), new DateTimeOffset(2025, 3, 1, 0, 0, 0, paris)).Cohorts;

        cohorts.Select(c => (c.MonthStart, c.Size)).ShouldBe(
            [(new DateTimeOffset(2025, 1, 1, 0, 0, 0, paris), 0), (new DateTimeOffset(2025, 2, 1, 0, 0, 0, paris), 1)]);
    }
}
