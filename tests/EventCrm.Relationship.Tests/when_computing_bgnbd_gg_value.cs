using EventCrm.Relationship.Value;
using Shouldly;

namespace EventCrm.Relationship.Tests;

public class when_computing_bgnbd_gg_value
{
    private static readonly BgNbdParameters PublishedPurchases = new(0.243, 4.414, 0.793, 2.426);
    private static readonly GammaGammaParameters PublishedSpend = new(6.25, 3.74, 15.44);
    private static readonly PurchaseHistory TwoRepeats = new(2, 30.43, 38.86);

    private static BgNbdGgParameters Over39Weeks(double? marginShare = null, double? weeklyDiscountRate = null) =>
        new(HorizonWeeks: 39, marginShare, weeklyDiscountRate, PublishedPurchases, PublishedSpend);

    [Fact]
    public void the_expected_spend_leans_between_the_customer_and_the_population()
    {
        // E[Z] = p (gamma + x zbar) / (p x + q - 1) = 6.25 x (15.44 + 2 x 22.35) / (12.5 + 2.74)
        //      = 6.25 x 60.14 / 15.24 = 375.875 / 15.24 = 24.6637
        GammaGamma.ExpectedAverageSpend(PublishedSpend, new RepeatSpend(2, 22.35)).ShouldBe(24.6637, tolerance: 1e-4);
    }

    [Fact]
    public void undiscounted_value_is_expected_purchases_times_expected_spend()
    {
        // 1.226 expected purchases (FHL 2005) x 24.6637 = 30.2377; 1.226 is known to +-0.0005, so +-0.0124.
        ((double)BgNbdGgValue.Compute(Over39Weeks(), TwoRepeats, 22.35m)).ShouldBe(30.2377, tolerance: 0.0124);
    }

    [Fact]
    public void a_margin_share_turns_revenue_into_margin()
    {
        // 30% of 30.2377 = 9.0713, +-0.3 x 0.0124
        ((double)BgNbdGgValue.Compute(Over39Weeks(marginShare: 0.3), TwoRepeats, 22.35m)).ShouldBe(9.0713, tolerance: 0.0038);
    }

    [Fact]
    public void a_new_customer_is_valued_at_the_population_mean_spend()
    {
        // x = 0: E[Z] = p gamma / (q - 1) = 6.25 x 15.44 / 2.74 = 96.5 / 2.74 = 35.2190. Purchases: FHL's E[X(39)]
        // = (a + b - 1) / (a - 1) x [1 - (alpha / (alpha + 39))^r x 2F1(r, b; a + b - 1; 39 / (alpha + 39))] = 1.19672
        // with the published r, alpha, a, b (the series summed apart, to 1e-15).
        var newCustomer = new PurchaseHistory(0, 0, 0);

        ((double)BgNbdGgValue.Compute(Over39Weeks(), newCustomer, null)).ShouldBe(1.19672 * 35.2190, tolerance: 1e-3);
    }

    [Fact]
    public void discounting_lowers_the_value_by_at_most_the_horizon_discount()
    {
        // Every expected purchase falls in weeks 1..39, so it is discounted by between 1/1.01 and 1/1.01^39.
        var undiscounted = (double)BgNbdGgValue.Compute(Over39Weeks(), TwoRepeats, 22.35m);
        var discounted = (double)BgNbdGgValue.Compute(Over39Weeks(weeklyDiscountRate: 0.01), TwoRepeats, 22.35m);

        discounted.ShouldBeLessThan(undiscounted / 1.01);
        discounted.ShouldBeGreaterThan(undiscounted / Math.Pow(1.01, 39));
    }

    [Fact]
    public void each_weeks_expected_purchases_are_discounted_at_that_weeks_rate()
    {
        // sum over k = 1..39 of (E[Y(k)] - E[Y(k-1)]) / 1.01^k, times E[Z] = 24.6637: 25.2134. Computed
        // apart from this code, in Python with mpmath at 30 digits (FHL 2005 eq. 10, its 2F1 summed
        // by mpmath), for the same x = 2, tx = 30.43, T = 38.86.
        ((double)BgNbdGgValue.Compute(Over39Weeks(weeklyDiscountRate: 0.01), TwoRepeats, 22.35m)).ShouldBe(25.2134, tolerance: 1e-3);
    }

    [Fact]
    public void a_one_week_horizon_is_discounted_by_one_week()
    {
        var oneWeek = Over39Weeks() with { HorizonWeeks = 1 };
        var undiscounted = (double)BgNbdGgValue.Compute(oneWeek, TwoRepeats, 22.35m);

        ((double)BgNbdGgValue.Compute(oneWeek with { WeeklyDiscountRate = 0.01 }, TwoRepeats, 22.35m))
            .ShouldBe(undiscounted / 1.01, tolerance: 1e-12);
    }

    [Fact]
    public void without_a_model_the_caller_is_told_to_fit_or_give_one()
    {
        var parameters = BgNbdGgValue.ParametersFrom(new Dictionary<string, decimal> { ["horizonWeeks"] = 52m });

        Should.Throw<FormulaParameterException>(() => BgNbdGgValue.Compute(parameters, TwoRepeats, 22.35m))
            .Message.ShouldContain("'r/alpha/a/b', 'p/q/gamma'");
    }
}
