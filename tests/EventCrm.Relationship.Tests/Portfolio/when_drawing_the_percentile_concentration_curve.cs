using EventCrm.Relationship.Portfolio;
using Shouldly;
using static EventCrm.Relationship.Tests.Portfolio.PortfolioCustomers;

namespace EventCrm.Relationship.Tests.Portfolio;

public class when_drawing_the_percentile_concentration_curve
{
    // 200 customers: 40 big ones at 40 (1,600) and 160 small ones at 2.5 (400); total 2,000.
    // The textbook 80/20: the top 20% = 40 customers make 1,600 / 2,000 = 0.8.
    private static readonly IReadOnlyList<PortfolioCustomer> TwoHundred =
        Enumerable.Range(1, 200).Select(i => Customer($"c{i}") with { Revenue = i <= 40 ? 40m : 2.5m }).ToList();

    [Fact]
    public void there_is_one_point_per_percentile_from_0_to_100()
    {
        var curve = Pareto.Of(TwoHundred).RevenueCurve;

        curve.Count.ShouldBe(101);
        curve.Select(p => p.CustomerShare).ShouldBe(Enumerable.Range(0, 101).Select(p => p / 100m));
        curve[0].ValueShare.ShouldBe(0m);
        curve[100].ValueShare.ShouldBe(1m);
    }

    [Fact]
    public void the_points_read_the_cumulative_share_of_the_top_customers()
    {
        var curve = Pareto.Of(TwoHundred).RevenueCurve;

        curve[1].ValueShare.ShouldBe(0.04m);   // 1% = 2 customers x 40 = 80 / 2,000
        curve[10].ValueShare.ShouldBe(0.4m);   // 10% = 20 x 40 = 800 / 2,000
        curve[20].ValueShare.ShouldBe(0.8m);   // 20% = 40 x 40 = 1,600 / 2,000, the headline share
        curve[50].ValueShare.ShouldBe(0.875m); // 50% = 100 customers: 1,600 + 60 x 2.5 = 1,750 / 2,000
        Pareto.Of(TwoHundred).RevenueShareOfTop.ShouldBe(0.8m);
    }

    [Fact]
    public void a_percentile_that_falls_between_customers_rounds_up_like_the_headline_share()
    {
        // 150 customers worth 1 each: 1% of 150 = 1.5, ceil 2 customers = 2 / 150 = 0.01333... -> 0.0133;
        // 33% of 150 = 49.5, ceil 50 = 50 / 150 = 0.3333...
        var curve = Pareto.Of(Enumerable.Range(1, 150).Select(i => Customer($"c{i}") with { Revenue = 1m })).RevenueCurve;

        curve[1].ValueShare.ShouldBe(0.0133m);
        curve[33].ValueShare.ShouldBe(0.3333m);
    }
}
