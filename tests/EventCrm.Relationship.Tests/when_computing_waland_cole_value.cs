using EventCrm.Relationship.Value;
using Shouldly;

namespace EventCrm.Relationship.Tests;

public class when_computing_waland_cole_value
{
    [Fact]
    public void three_periods_with_growing_volume_are_discounted_and_net_of_acquisition()
    {
        // M = 20 per unit, A = 50, COC = 25% so d = 1 / 1.25 = 0.8, d^2 = 0.64, d^3 = 0.512.
        // t = 1: (10 x 20 - 30 - 10) = 160 x 0.8   = 128.00
        // t = 2: (12 x 20 - 20 - 10) = 210 x 0.64  = 134.40
        // t = 3: (15 x 20 - 10 - 10) = 280 x 0.512 = 143.36
        // VC = 128 + 134.40 + 143.36 - 50 = 355.76
        WalandColePeriod[] periods =
        [
            new(Volume: 10m, DevelopmentCost: 30m, RetentionCost: 10m),
            new(Volume: 12m, DevelopmentCost: 20m, RetentionCost: 10m),
            new(Volume: 15m, DevelopmentCost: 10m, RetentionCost: 10m),
        ];

        WalandCole.Value(periods, marginPerUnit: 20m, acquisitionCost: 50m, costOfCapital: 0.25m).ShouldBe(355.76m);
    }

    [Fact]
    public void constant_periods_from_a_request_repeat_the_same_flow()
    {
        // Each period: 10 x 20 - 30 - 10 = 160. Two periods at d = 0.8:
        // 160 x 0.8 + 160 x 0.64 = 128 + 102.40 = 230.40; minus A = 50 gives 180.40.
        var parameters = WalandCole.ParametersFrom(new Dictionary<string, decimal>
        {
            ["volumePerPeriod"] = 10m, ["marginPerUnit"] = 20m, ["developmentCostPerPeriod"] = 30m,
            ["retentionCostPerPeriod"] = 10m, ["acquisitionCost"] = 50m, ["costOfCapital"] = 0.25m, ["periods"] = 2m,
        });

        WalandCole.Compute(parameters).ShouldBe(180.40m);
    }

    [Fact]
    public void no_periods_leave_only_the_acquisition_cost()
    {
        WalandCole.Value([], marginPerUnit: 20m, acquisitionCost: 50m, costOfCapital: 0.1m).ShouldBe(-50m);
    }
}
