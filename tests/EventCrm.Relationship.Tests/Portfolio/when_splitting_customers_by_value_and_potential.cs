using EventCrm.Relationship.Portfolio;
using Shouldly;
using static EventCrm.Relationship.Portfolio.ValueQuadrantNames;
using static EventCrm.Relationship.Tests.Portfolio.PortfolioCustomers;

namespace EventCrm.Relationship.Tests.Portfolio;

public class when_splitting_customers_by_value_and_potential
{
    //              a    b    c    d    e    f
    // current    100   80   60   40   20   10   sorted 10 20 40 60 80 100: median (40 + 60) / 2 = 50
    // potential   10   50   30   70   20   90   sorted 10 20 30 50 70 90:  median (30 + 50) / 2 = 40
    private static readonly PortfolioCustomer[] SixCustomers =
    [
        Customer("a") with { CurrentValue = 100m, PotentialValue = 10m },
        Customer("b") with { CurrentValue = 80m, PotentialValue = 50m },
        Customer("c") with { CurrentValue = 60m, PotentialValue = 30m },
        Customer("d") with { CurrentValue = 40m, PotentialValue = 70m },
        Customer("e") with { CurrentValue = 20m, PotentialValue = 20m },
        Customer("f") with { CurrentValue = 10m, PotentialValue = 90m },
    ];

    [Fact]
    public void the_thresholds_are_the_medians_of_the_customers_passed()
    {
        var quadrants = ValueQuadrants.Of(SixCustomers);

        quadrants.CurrentValueThreshold.ShouldBe(50m);
        quadrants.PotentialValueThreshold.ShouldBe(40m);
    }

    [Fact]
    public void the_median_of_two_values_that_add_up_beyond_a_decimal_is_their_mean_all_the_same()
    {
        // 5 x 10^28 + 6 x 10^28 = 1.1 x 10^29, beyond a decimal's 7.9 x 10^28; their mean, 5.5 x 10^28, is not.
        // Potential: (1 + 3) / 2 = 2.
        var quadrants = ValueQuadrants.Rank(
        [
            Customer("a") with { CurrentValue = 50_000_000_000_000_000_000_000_000_000m, PotentialValue = 1m },
            Customer("b") with { CurrentValue = 60_000_000_000_000_000_000_000_000_000m, PotentialValue = 3m },
        ]);

        quadrants.CurrentValueThreshold.ShouldBe(55_000_000_000_000_000_000_000_000_000m);
        quadrants.PotentialValueThreshold.ShouldBe(2m);
        quadrants.Members[HighValueHighPotential].Select(c => c.CustomerId).ShouldBe(["b"]);
        quadrants.Members[LowValueLowPotential].Select(c => c.CustomerId).ShouldBe(["a"]);
    }

    [Fact]
    public void each_customer_lands_in_one_of_four_quadrants_with_its_totals()
    {
        var quadrants = ValueQuadrants.Of(SixCustomers);

        // value >= 50 and potential >= 40: b (80, 50)
        Summary(quadrants[HighValueHighPotential]).ShouldBe((1, 80m, 50m, "b"));
        // value >= 50, potential < 40: a (100, 10) and c (60, 30): 160, 40
        Summary(quadrants[HighValueLowPotential]).ShouldBe((2, 160m, 40m, "a c"));
        // value < 50, potential >= 40: d (40, 70) and f (10, 90): 50, 160
        Summary(quadrants[LowValueHighPotential]).ShouldBe((2, 50m, 160m, "d f"));
        // value < 50, potential < 40: e (20, 20)
        Summary(quadrants[LowValueLowPotential]).ShouldBe((1, 20m, 20m, "e"));
        quadrants.Quadrants.Select(q => q.Name).ShouldBe(
            ["high-value-high-potential", "high-value-low-potential", "low-value-high-potential", "low-value-low-potential"]);
    }

    [Fact]
    public void customers_tied_at_the_median_are_all_high()
    {
        // current 10, 30, 30, 30, 50: median 30, so the three at 30 and the one at 50 are high
        // potential all 5: median 5, everyone is high
        var quadrants = ValueQuadrants.Of(
        [
            Customer("a") with { CurrentValue = 10m, PotentialValue = 5m },
            Customer("b") with { CurrentValue = 30m, PotentialValue = 5m },
            Customer("c") with { CurrentValue = 30m, PotentialValue = 5m },
            Customer("d") with { CurrentValue = 30m, PotentialValue = 5m },
            Customer("e") with { CurrentValue = 50m, PotentialValue = 5m },
        ]);

        quadrants.CurrentValueThreshold.ShouldBe(30m);
        // 30 + 30 + 30 + 50 = 140 current, 4 x 5 = 20 potential; e (50) first, the three tied at 30 by id
        Summary(quadrants[HighValueHighPotential]).ShouldBe((4, 140m, 20m, "e b c d"));
        Summary(quadrants[LowValueHighPotential]).ShouldBe((1, 10m, 5m, "a"));
        quadrants[HighValueLowPotential].Count.ShouldBe(0);
        quadrants[LowValueLowPotential].Count.ShouldBe(0);
    }

    [Fact]
    public void a_quadrant_lists_the_customers_worth_most_now_first_then_those_with_most_to_win()
    {
        // current 90, 70, 70, 70, 10, 5: median (70 + 70) / 2 = 70; potential 1 everywhere: all high on potential
        var quadrants = ValueQuadrants.Of(
        [
            Customer("a") with { CurrentValue = 70m, PotentialValue = 1m },
            Customer("b") with { CurrentValue = 70m, PotentialValue = 1m },
            Customer("c") with { CurrentValue = 70m, PotentialValue = 1m },
            Customer("d") with { CurrentValue = 90m, PotentialValue = 1m },
            Customer("e") with { CurrentValue = 5m, PotentialValue = 1m },
            Customer("f") with { CurrentValue = 10m, PotentialValue = 1m },
        ]);

        // high value: d (90), then a, b, c tied at 70 and 1, by id
        quadrants[HighValueHighPotential].CustomerIds.ShouldBe(["d", "a", "b", "c"]);
        quadrants[HighValueHighPotential].Customers.Select(c => c.CustomerId).ShouldBe(["d", "a", "b", "c"]);
        quadrants[LowValueHighPotential].CustomerIds.ShouldBe(["f", "e"]);
    }

    [Fact]
    public void at_equal_value_the_one_with_more_to_win_comes_first()
    {
        var quadrants = ValueQuadrants.Of(
        [
            Customer("a") with { CurrentValue = 50m, PotentialValue = 30m },
            Customer("b") with { CurrentValue = 50m, PotentialValue = 40m },
            Customer("c") with { CurrentValue = 50m, PotentialValue = 35m },
        ]);

        // medians: current 50 (all high), potential 35: b (40) and c (35) high, a low
        quadrants[HighValueHighPotential].CustomerIds.ShouldBe(["b", "c"]);
    }

    [Fact]
    public void an_empty_base_has_no_thresholds_and_four_empty_quadrants()
    {
        var quadrants = ValueQuadrants.Of([]);

        quadrants.CurrentValueThreshold.ShouldBeNull();
        quadrants.PotentialValueThreshold.ShouldBeNull();
        quadrants.Quadrants.Select(Summary).ShouldBe(Enumerable.Repeat((0, 0m, 0m, ""), 4));
    }

    private static (int, decimal, decimal, string) Summary(ValueQuadrant q) =>
        (q.Count, q.TotalCurrentValue, q.TotalPotentialValue, string.Join(' ', q.CustomerIds));
}
