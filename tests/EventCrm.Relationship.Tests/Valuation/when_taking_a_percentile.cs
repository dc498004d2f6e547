using EventCrm.Relationship.Value;
using Shouldly;

namespace EventCrm.Relationship.Tests.Valuation;

// Hyndman and Fan type 7: rank h = p (n - 1) on the sorted values (0-based), then
// x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]). Excel's PERCENTILE.INC and numpy's default.
public class when_taking_a_percentile
{
    [Fact]
    public void excels_documented_example()
    {
        // PERCENTILE.INC({1,3,2,4}, 0.3) = 1.9: sorted 1 2 3 4, h = 0.3 x 3 = 0.9, 1 + 0.9 x (2 - 1) = 1.9
        Percentile.Of([1m, 3m, 2m, 4m], 0.3m).ShouldBe(1.9m);
    }

    [Fact]
    public void the_textbook_list_of_five()
    {
        // 15 20 35 40 50, 40th percentile: h = 0.4 x 4 = 1.6, 20 + 0.6 x (35 - 20) = 29
        // 80th: h = 3.2, 40 + 0.2 x 10 = 42; median: h = 2, 35
        decimal[] values = [15m, 20m, 35m, 40m, 50m];

        Percentile.Of(values, 0.4m).ShouldBe(29m);
        Percentile.Of(values, 0.8m).ShouldBe(42m);
        Percentile.Of(values, 0.5m).ShouldBe(35m);
    }

    [Fact]
    public void the_ends_and_the_degenerate_cases()
    {
        Percentile.Of([15m, 20m, 35m, 40m, 50m], 0m).ShouldBe(15m);
        Percentile.Of([15m, 20m, 35m, 40m, 50m], 1m).ShouldBe(50m);
        Percentile.Of([7m], 0.8m).ShouldBe(7m);
        Percentile.Of([], 0.8m).ShouldBe(0m);
    }
}
