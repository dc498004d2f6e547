using EventCrm.Relationship.Portfolio;
using Shouldly;
using static EventCrm.Relationship.Tests.Portfolio.PortfolioCustomers;

namespace EventCrm.Relationship.Tests.Portfolio;

public class when_measuring_pareto_concentration
{
    // Seed 001: the biggest spender (a) is not the most profitable (b), and d and f lose money.
    //            a     b     c     d     e     f
    // revenue  500   200   100   100    50    50   total 1000
    // profit    20   120    90   -30    40   -40   total  200
    private static readonly PortfolioCustomer[] SixCustomers =
    [
        Customer("a") with { Revenue = 500m, Profit = 20m },
        Customer("b") with { Revenue = 200m, Profit = 120m },
        Customer("c") with { Revenue = 100m, Profit = 90m },
        Customer("d") with { Revenue = 100m, Profit = -30m },
        Customer("e") with { Revenue = 50m, Profit = 40m },
        Customer("f") with { Revenue = 50m, Profit = -40m },
    ];

    [Fact]
    public void the_top_fifth_is_rounded_up_and_ranked_by_revenue_for_the_revenue_share()
    {
        var pareto = Pareto.Of(SixCustomers);

        // top 20% of 6 = ceil(1.2) = 2 customers; by revenue a + b = 500 + 200 = 700 of 1000 = 0.7
        pareto.Customers.ShouldBe(6);
        pareto.TopCustomers.ShouldBe(2);
        pareto.RevenueShareOfTop.ShouldBe(0.7m);
    }

    [Fact]
    public void the_profit_share_ranks_by_profit_and_exceeds_the_whole_when_others_destroy_value()
    {
        // by profit the top 2 are b and c, not a: 120 + 90 = 210 of a total 200 = 1.05
        Pareto.Of(SixCustomers).ProfitShareOfTop.ShouldBe(1.05m);
    }

    [Fact]
    public void with_fewer_than_100_customers_the_curve_has_one_point_per_customer_from_the_origin()
    {
        // revenues sorted 500, 200, 100, 100, 50, 50 (the ties may come in any order, the sums do not change)
        // cumulative 0, 500, 700, 800, 900, 950, 1000 over 1000; customer shares k/6 to 4 decimals
        // (1/6 = 0.16666... -> 0.1667, 2/6 -> 0.3333, 4/6 -> 0.6667, 5/6 -> 0.8333)
        Pareto.Of(SixCustomers).RevenueCurve.ShouldBe(
        [
            new(0m, 0m), new(0.1667m, 0.5m), new(0.3333m, 0.7m), new(0.5m, 0.8m),
            new(0.6667m, 0.9m), new(0.8333m, 0.95m), new(1m, 1m),
        ]);
    }

    [Fact]
    public void the_profit_curve_is_a_whale_rising_above_the_total_and_falling_back_to_it()
    {
        // profits sorted 120, 90, 40, 20, -30, -40
        // cumulative 0, 120, 210, 250, 270, 240, 200 over 200
        Pareto.Of(SixCustomers).ProfitCurve.ShouldBe(
        [
            new(0m, 0m), new(0.1667m, 0.6m), new(0.3333m, 1.05m), new(0.5m, 1.25m),
            new(0.6667m, 1.35m), new(0.8333m, 1.2m), new(1m, 1m),
        ]);
    }

    [Fact]
    public void a_fifth_of_five_is_exactly_one_customer_and_the_top_share_can_be_chosen()
    {
        var five = SixCustomers.Take(5).ToList();

        // 20% of 5 = 1.0, ceil 1: a's 500 of 500 + 200 + 100 + 100 + 50 = 950, 0.526315... -> 0.5263
        Pareto.Of(five).TopCustomers.ShouldBe(1);
        Pareto.Of(five).RevenueShareOfTop.ShouldBe(0.5263m);
        // 50% of 5 = 2.5, ceil 3: 500 + 200 + 100 = 800 of 950, 0.842105... -> 0.8421
        Pareto.Of(five, topShare: 0.5m).RevenueShareOfTop.ShouldBe(0.8421m);
    }

    [Fact]
    public void shares_are_given_to_4_decimals_rounded_half_to_even()
    {
        // 32 customers worth 1 each: the k-th point is k/32 of the customers and of the revenue.
        // 1/32 = 0.03125 -> 0.0312 (the 2 is even), 3/32 = 0.09375 -> 0.0938 (the 7 is odd),
        // 11/32 = 0.34375 -> 0.3438; the top 20% is ceil(6.4) = 7 customers, 7/32 = 0.21875 -> 0.2188.
        var pareto = Pareto.Of(Enumerable.Range(1, 32).Select(i => Customer($"c{i}") with { Revenue = 1m }));

        pareto.RevenueCurve[1].ShouldBe(new(0.0312m, 0.0312m));
        pareto.RevenueCurve[3].ShouldBe(new(0.0938m, 0.0938m));
        pareto.RevenueCurve[11].ShouldBe(new(0.3438m, 0.3438m));
        pareto.RevenueShareOfTop.ShouldBe(0.2188m);
        pareto.RevenueCurve.ShouldAllBe(p => p.CustomerShare == Math.Round(p.CustomerShare, 4) && p.ValueShare == Math.Round(p.ValueShare, 4));
    }

    [Fact]
    public void a_loss_making_portfolio_keeps_the_sign_of_each_share()
    {
        // profits 100, -50, -150: total -100, shares taken over |total| = 100
        // top ceil(0.6) = 1 customer earns 100 = +1.0; the curve ends at the total, -1
        var pareto = Pareto.Of([Customer("a") with { Profit = 100m }, Customer("b") with { Profit = -50m }, Customer("c") with { Profit = -150m }]);

        pareto.ProfitShareOfTop.ShouldBe(1m);
        // cumulative 0, 100, 50, -100 over 100
        pareto.ProfitCurve.Select(p => p.ValueShare).ShouldBe([0m, 1m, 0.5m, -1m]);
    }

    [Fact]
    public void zero_totals_give_zero_shares_rather_than_a_division_by_zero()
    {
        // no revenue at all, and profits 100 and -100 that cancel out
        var pareto = Pareto.Of([Customer("a") with { Profit = 100m }, Customer("b") with { Profit = -100m }]);

        pareto.RevenueShareOfTop.ShouldBe(0m);
        pareto.ProfitShareOfTop.ShouldBe(0m);
        pareto.ProfitCurve.Select(p => p.ValueShare).ShouldBe([0m, 0m, 0m]);
    }

    [Fact]
    public void an_empty_base_has_no_top_and_no_curve()
    {
        var pareto = Pareto.Of([]);

        (pareto.Customers, pareto.TopCustomers, pareto.RevenueShareOfTop, pareto.ProfitShareOfTop).ShouldBe((0, 0, 0m, 0m));
        pareto.RevenueCurve.ShouldBeEmpty();
        pareto.ProfitCurve.ShouldBeEmpty();
    }

    [Fact]
    public void a_share_outside_zero_to_one_is_refused()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Pareto.Of(SixCustomers, topShare: 1.2m));
    }
}
