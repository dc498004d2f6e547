using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Portfolio;

/// <summary>
/// One January 2024 cohort, followed over the period [1 Jan 2024, 1 Mar 2024):
/// A signed up on 10 Jan and churned at exactly 1 Mar 00:00 (the period's `to`, so in the next period);
/// B signed up on 15 Jan and stays;
/// C signed up on 20 Jan and churned at exactly 1 Feb 00:00 (a month's start inside the period).
/// </summary>
public sealed class CohortChurningAtThePeriodsEnd() : SchemaHost("eventcrm_cohort_period_end")
{
    public static readonly DateTimeOffset To = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);

    protected override async Task SeedAsync()
    {
        await Host.PostTouchpoints(new[]
        {
            SignUp("A", new DateTimeOffset(2024, 1, 10, 0, 0, 0, TimeSpan.Zero), "Ann Able", "ann@a.example"),
            Churn("A", To),
            SignUp("B", new DateTimeOffset(2024, 1, 15, 0, 0, 0, TimeSpan.Zero), "Bob Best", "bob@b.example"),
            SignUp("C", new DateTimeOffset(2024, 1, 20, 0, 0, 0, TimeSpan.Zero), "Cid Cole", "cid@c.example"),
            Churn("C", new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero)),
        });
        await Store.CatchUp();
    }
}

public class when_a_cohort_is_followed_to_the_end_of_the_period(CohortChurningAtThePeriodsEnd cohort)
    : IClassFixture<CohortChurningAtThePeriodsEnd>
{
    [Fact]
    public async Task its_last_point_at_to_agrees_with_the_customers_at_the_end()
    {
        var kpis = (await cohort.Host.GetJson("/api/kpis?from=2024-01-01&to=2024-03-01"))["analysis"]!;

        // At the end, just before 1 Mar: A (its churn at `to` is the next period's) and B; C left on 1 Feb.
        kpis["retention"]!["customersAtEnd"]!.GetValue<int>().ShouldBe(2);

        var january = kpis["cohorts"]![0]!;
        january["size"]!.GetValue<int>().ShouldBe(3);
        var still = january["retention"]!.AsArray().Select(p => p!["stillCustomers"]!.GetValue<int>()).ToList();
        // Month 0, each at its own signup: A, B, C = 3.
        // Month 1, 1 Feb, inside the period: C's churn at that instant counts: A, B = 2.
        // Month 2, 1 Mar = `to`: judged just before, as customersAtEnd is: A, B = 2 (A's churn at
        // `to` used to be counted here: 1, while customersAtEnd said 2 for the same instant).
        still.ShouldBe([3, 2, 2]);
        january["retention"]![2]!["share"]!.GetValue<decimal>().ShouldBe(0.6667m); // 2 / 3
    }
}
