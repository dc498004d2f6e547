using EventCrm.Relationship.Value;
using Shouldly;

namespace EventCrm.Relationship.Tests;

public class when_computing_simple_clv
{
    [Fact]
    public void seed_004_example_gives_2000()
    {
        // Seed 004: 100 EUR per order x 4 orders a year x 5 years = 2,000 EUR.
        var parameters = new SimpleClvParameters(AverageOrderValue: 100m, PurchasesPerYear: 4m, LifetimeYears: 5m);

        SimpleClv.Compute(parameters).ShouldBe(2000m);
    }

    [Fact]
    public void parameters_read_from_a_request_give_the_same_value()
    {
        var parameters = SimpleClv.ParametersFrom(new Dictionary<string, decimal>
        {
            ["averageOrderValue"] = 100m, ["purchasesPerYear"] = 4m, ["lifetimeYears"] = 5m,
        });

        SimpleClv.Compute(parameters).ShouldBe(2000m);
    }

    [Fact]
    public void an_order_value_left_to_estimate_is_filled_from_the_customer_events()
    {
        var parameters = SimpleClv.ParametersFrom(new Dictionary<string, decimal> { ["purchasesPerYear"] = 4m, ["lifetimeYears"] = 5m });
        parameters.AverageOrderValue.ShouldBeNull();

        // The caller measured 250 EUR of orders over 2 orders: 125 x 4 x 5 = 2,500.
        SimpleClv.Compute(parameters with { AverageOrderValue = 125m }).ShouldBe(2500m);
    }

    [Fact]
    public void a_value_left_to_estimate_but_never_filled_is_reported_by_name()
    {
        var parameters = new SimpleClvParameters(null, null, 5m);

        var problem = Should.Throw<FormulaParameterException>(() => SimpleClv.Compute(parameters));

        problem.Message.ShouldContain("'averageOrderValue', 'purchasesPerYear'");
    }
}
