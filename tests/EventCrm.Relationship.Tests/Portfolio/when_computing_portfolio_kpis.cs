using EventCrm.Relationship.Portfolio;
using Shouldly;
using static EventCrm.Relationship.Tests.Portfolio.PortfolioCustomers;

namespace EventCrm.Relationship.Tests.Portfolio;

public class when_computing_portfolio_kpis
{
    // The first quarter of 2025, [1 Jan, 1 Apr).
    private static readonly DateTimeOffset From = Day(2025, 1, 1);
    private static readonly DateTimeOffset To = Day(2025, 4, 1);

    //      lead    signup  then                                  1 Jan  1 Apr  acquired  value
    // p1   10 Dec  20 Dec  -                                      yes    yes     -         100
    // p2   -       1 Jun   churned 15 Feb                         yes    -       -        1000
    // p3   -       1 Mar24 churned 1 Nov 24, won back 10 Mar      -      yes     -          40
    // p4   5 Jan   20 Jan  -                                      -      yes     yes        60
    // p5   3 Feb   10 Feb  asks to cancel 20 Mar                  -      yes     yes        20
    // p6   14 Feb  15 Apr  (signs up after the period)            -      -       -           0
    // p7   1 Mar   -       (still a prospect)                     -      -       -           0
    // p8   10 Jan  25 Jan  churned 5 Mar                          -      -       yes       500
    // p9   -       1 Sep24 asks to cancel 15 Dec                  yes    yes     -          30
    private static readonly PortfolioCustomer[] Base =
    [
        SignedUp("p1", Day(2024, 12, 20)) with { LeadAt = Day(2024, 12, 10), CurrentValue = 100m },
        SignedUp("p2", Day(2024, 6, 1), Churned(Day(2025, 2, 15))) with { CurrentValue = 1000m },
        SignedUp("p3", Day(2024, 3, 1), Churned(Day(2024, 11, 1)), Active(Day(2025, 3, 10))) with { CurrentValue = 40m },
        SignedUp("p4", Day(2025, 1, 20)) with { LeadAt = Day(2025, 1, 5), CurrentValue = 60m },
        SignedUp("p5", Day(2025, 2, 10), CancellationRequested(Day(2025, 3, 20))) with { LeadAt = Day(2025, 2, 3), CurrentValue = 20m },
        Customer("p6") with { LeadAt = Day(2025, 2, 14), SignedUpAt = Day(2025, 4, 15), StateChanges = [Prospect(Day(2025, 2, 14)), Active(Day(2025, 4, 15))] },
        Customer("p7") with { LeadAt = Day(2025, 3, 1), StateChanges = [Prospect(Day(2025, 3, 1))] },
        SignedUp("p8", Day(2025, 1, 25), Churned(Day(2025, 3, 5))) with { LeadAt = Day(2025, 1, 10), CurrentValue = 500m },
        SignedUp("p9", Day(2024, 9, 1), CancellationRequested(Day(2024, 12, 15))) with { CurrentValue = 30m },
    ];

    [Fact]
    public void conversion_counts_the_leads_of_the_period_signed_up_by_its_end()
    {
        // leads in Q1: p4, p5, p6, p7, p8 = 5 (p1's lead is from December)
        // signed up by 1 Apr: p4, p5, p8 = 3 (p6 only on 15 Apr) -> 3 / 5 = 0.6
        PortfolioKpis.For(Base, From, To).Conversion.ShouldBe(new LeadConversion(LeadsCaptured: 5, LeadsConverted: 3, Rate: 0.6m));
    }

    [Fact]
    public void retention_subtracts_everyone_who_became_a_customer_in_the_period_a_win_back_too()
    {
        // at start: p1, p2, p9 (asking to cancel is still a customer) = 3
        // at end:   p1, p3 (won back), p4, p5 (asking to cancel), p9 = 5
        // acquired: p3 (won back on 10 Mar), p4, p5, p8 = 4 (p8 is subtracted though it churned: the formula's own way)
        // (5 - 4) / 3 = 1/3, to 4 decimals 0.3333
        PortfolioKpis.For(Base, From, To).Retention.ShouldBe(
            new PeriodRetention(CustomersAtStart: 3, CustomersAtEnd: 5, CustomersAcquired: 4, Rate: 0.3333m));
    }

    [Fact]
    public void the_period_is_half_open_a_signup_at_its_start_is_acquired_and_one_at_its_end_is_the_next_periods()
    {
        // a: signed up before; b: exactly at `from`; c: exactly at `to`, from a lead of the period;
        // d: bought without signing up, in the period.
        PortfolioCustomer[] customers =
        [
            SignedUp("a", Day(2024, 11, 1)),
            SignedUp("b", From),
            SignedUp("c", To) with { LeadAt = Day(2025, 2, 1) },
            Customer("d") with { StateChanges = [Active(Day(2025, 2, 20))] },
        ];

        var kpis = PortfolioKpis.For(customers, From, To);

        // at start: a; at end: a, b, d; acquired: b, d -> (3 - 2) / 1 = 1
        kpis.Retention.ShouldBe(new PeriodRetention(CustomersAtStart: 1, CustomersAtEnd: 3, CustomersAcquired: 2, Rate: 1m));
        // c's lead is in the period, its signup is not: 0 of 1
        kpis.Conversion.ShouldBe(new LeadConversion(LeadsCaptured: 1, LeadsConverted: 0, Rate: 0m));
    }

    [Fact]
    public void average_clv_is_the_mean_current_value_of_the_customers_at_the_end()
    {
        // p1 100 + p3 40 + p4 60 + p5 20 + p9 30 = 250 over 5 = 50 (churned p2 and p8 left out)
        PortfolioKpis.For(Base, From, To).AverageClv.ShouldBe(new AverageClv(Customers: 5, Value: 50m));
    }

    [Fact]
    public void average_clv_is_given_to_the_cent_rounded_half_to_even()
    {
        // 100 + 0 + 0 over 3 = 33.333... -> 33.33; 0.01 + 0.02 over 2 = 0.015 -> 0.02 (the 1 is odd);
        // 0.02 + 0.03 over 2 = 0.025 -> 0.02 (the 2 is even)
        AverageClv Of(params decimal[] values) =>
            PortfolioKpis.For(values.Select((v, i) => SignedUp($"v{i}", Day(2024, 12, 1)) with { CurrentValue = v }).ToList(), From, To).AverageClv;

        Of(100m, 0m, 0m).ShouldBe(new AverageClv(3, 33.33m));
        Of(0.01m, 0.02m).ShouldBe(new AverageClv(2, 0.02m));
        Of(0.02m, 0.03m).ShouldBe(new AverageClv(2, 0.02m));
    }

    [Fact]
    public void nothing_to_measure_gives_null_rates()
    {
        var kpis = PortfolioKpis.For([], From, To);

        kpis.Conversion.ShouldBe(new LeadConversion(0, 0, null));
        kpis.Retention.ShouldBe(new PeriodRetention(0, 0, 0, null));
        kpis.AverageClv.ShouldBe(new AverageClv(0, null));
        // one empty cohort per month, each point without a share; a point for every month start not
        // after 1 Apr: January 1 Jan..1 Apr = 4 points, February 3, March 2
        kpis.Cohorts.Select(c => c.Size).ShouldBe([0, 0, 0]);
        kpis.Cohorts.Select(c => c.Retention.Count).ShouldBe([4, 3, 2]);
        kpis.Cohorts.SelectMany(c => c.Retention).ShouldAllBe(p => p.Share == null && p.StillCustomers == 0);
    }

    [Fact]
    public void a_period_that_ends_before_it_starts_is_refused()
    {
        Should.Throw<ArgumentException>(() => PortfolioKpis.For(Base, To, From));
    }
}
