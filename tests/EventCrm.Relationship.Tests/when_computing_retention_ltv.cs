using EventCrm.Relationship.Value;
using Shouldly;

namespace EventCrm.Relationship.Tests;

public class when_computing_retention_ltv
{
    [Fact]
    public void three_periods_of_constant_margin()
    {
        // m = 100, r = 0.8, i = 25%, AC = 20. Each period multiplies by r / (1 + i) = 0.8 / 1.25 = 0.64.
        // t = 1: 100 x 0.64     = 64.00
        // t = 2: 100 x 0.4096   = 40.96
        // t = 3: 100 x 0.262144 = 26.2144
        // LTV = 64 + 40.96 + 26.2144 - 20 = 111.1744
        var parameters = new RetentionLtvParameters(MarginPerPeriod: 100m, RetentionRate: 0.8m, DiscountRate: 0.25m, AcquisitionCost: 20m, Periods: 3);

        RetentionLtv.Compute(parameters).ShouldBe(111.1744m);
    }

    [Fact]
    public void margins_that_change_over_time()
    {
        // Same rates; m = 100, 120, 150:
        // 100 x 0.64 + 120 x 0.4096 + 150 x 0.262144 = 64 + 49.152 + 39.3216 = 152.4736; minus 20 = 132.4736
        RetentionLtv.Value([100m, 120m, 150m], retentionRate: 0.8m, discountRate: 0.25m, acquisitionCost: 20m).ShouldBe(132.4736m);
    }

    [Fact]
    public void no_horizon_uses_the_closed_form()
    {
        // m r / (1 + i - r) - AC = 100 x 0.8 / (1.25 - 0.8) - 20 = 80 / 0.45 - 20 = 177.777... - 20 = 157.777...
        // (the same as the geometric series 64 / (1 - 0.64) = 64 / 0.36 = 177.777...)
        var parameters = RetentionLtv.ParametersFrom(new Dictionary<string, decimal>
        {
            ["marginPerPeriod"] = 100m, ["retentionRate"] = 0.8m, ["discountRate"] = 0.25m, ["acquisitionCost"] = 20m,
        });
        parameters.Periods.ShouldBeNull();

        RetentionLtv.Compute(parameters).ShouldBe(1420m / 9m, tolerance: 1e-20m);
    }

    [Fact]
    public void a_long_horizon_approaches_the_closed_form()
    {
        var margins = Enumerable.Repeat(100m, 200).ToList();

        RetentionLtv.Value(margins, 0.8m, 0.25m, 20m).ShouldBe(1420m / 9m, tolerance: 1e-20m);
    }

    [Fact]
    public void full_retention_without_discounting_has_no_finite_value()
    {
        // 1 + 0 - 1 = 0: the series sums m forever.
        var parameters = new RetentionLtvParameters(100m, RetentionRate: 1m, DiscountRate: 0m, AcquisitionCost: 0m, Periods: null);

        Should.Throw<FormulaParameterException>(() => RetentionLtv.Compute(parameters)).Message.ShouldContain("would not converge");
    }
}
