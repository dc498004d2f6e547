using EventCrm.Relationship.Value;
using Shouldly;
using static EventCrm.Relationship.Tests.Valuation.Touchpoint;

namespace EventCrm.Relationship.Tests.Valuation;

// CDNOW's customer 1 (FHL 2005) as a ledger: first purchase on day 0 (30.00), repeats on day 100
// (20.00) and day 213 (24.70), valued on day 272. So x = 2, t_x = 213 / 7 = 30.43 weeks,
// T = 272 / 7 = 38.86 weeks, zbar = (20 + 24.70) / 2 = 22.35.
// Gamma-Gamma with the published p = 6.25, q = 3.74, gamma = 15.44:
//   E[Z | x, zbar] = p (gamma + x zbar) / (p x + q - 1) = 6.25 x 60.14 / 15.24 = 24.6637
public class when_estimating_bgnbd_gg_value
{
    private static readonly BgNbdParameters Purchases = new(0.243, 4.414, 0.793, 2.426);
    private static readonly GammaGammaParameters Spend = new(6.25, 3.74, 15.44);
    private static readonly PortfolioModel Fitted = PortfolioModel.Default with { Purchases = Purchases, Spend = Spend };

    private static readonly CustomerLedger Customer1 = Ledger(
        SignUp(Day(-1)),
        Purchase(Day(0), 30m, 10m),
        Purchase(Day(100), 20m, 5m),
        Purchase(Day(213), 24.70m, 5m));

    [Fact]
    public void explicit_parameters_reproduce_the_papers_prediction()
    {
        var formula = Formula("bgnbd-gg", 1, ("horizonWeeks", 39m), ("marginShare", 1m),
            ("r", 0.243m), ("alpha", 4.414m), ("a", 0.793m), ("b", 2.426m), ("p", 6.25m), ("q", 3.74m), ("gamma", 15.44m));

        // FHL 2005: E[Y(39) | x = 2, t_x = 30.43, T = 38.86] = 1.226; 1.226 x 24.6637 = 30.24 (+-0.0005 x 24.66)
        CurrentValue.Of(formula, Customer1, Day(272), PortfolioModel.Default).Value.ShouldBe(30.24m, 0.02m);
    }

    [Fact]
    public void version_0_takes_the_fitted_model_a_year_of_weeks_and_the_customers_margin_share()
    {
        var result = CurrentValue.Of(FormulaChoice.BuiltIn("bgnbd-gg"), Customer1, Day(272), Fitted);

        // marginShare = margin / revenue = (10 + 5 + 5) / (30 + 20 + 24.70) = 20 / 74.70 = 0.267738
        result.Inputs["horizonWeeks"].ShouldBe(52m);
        result.Inputs["marginShare"].ShouldBe(20m / 74.70m);
        result.Inputs["r"].ShouldBe(0.243m);
        result.Inputs["gamma"].ShouldBe(15.44m);
        result.Inputs.ContainsKey("weeklyDiscountRate").ShouldBeFalse();

        // value = E[Y(52) | x = 2, tx = 213/7, T = 272/7] x E[Z] x marginShare = 10.2936, computed apart
        // from this code (Python, mpmath at 30 digits: FHL 2005 eq. 10 with its 2F1).
        ((double)result.Value).ShouldBe(10.2936, tolerance: 0.01);
    }

    [Fact]
    public void purchases_on_one_day_are_one_occasion()
    {
        // A second order on day 213 (5.30) makes that day's occasion 24.70 + 5.30 = 30: zbar = (20 + 30) / 2 = 25,
        // still x = 2. E[Z] = 6.25 x (15.44 + 50) / 15.24 = 409 / 15.24 = 26.8373
        var twoOrdersOnOneDay = Ledger(SignUp(Day(-1)), Purchase(Day(0), 30m, 10m), Purchase(Day(100), 20m, 5m),
            Purchase(Day(213), 24.70m, 5m), Purchase(Day(213).AddHours(3), 5.30m, 2m));
        var formula = Formula("bgnbd-gg", 1, ("horizonWeeks", 39m), ("marginShare", 1m));

        var value = CurrentValue.Of(formula, twoOrdersOnOneDay, Day(272), Fitted).Value;

        // x = 2, tx = 30.43, T = 38.86 weeks: CDNOW's customer 1, 1.226 purchases expected in 39 weeks (Fader, Hardie and Lee).
        ((double)value).ShouldBe(1.226 * 26.8373, tolerance: 0.02);
    }

    [Fact]
    public void a_partial_purchase_model_is_not_mixed_with_the_fitted_one()
    {
        // The four BG/NBD numbers describe one fitted model (BgNbdGgValue: "must be given all together
        // or not at all"): a version giving r alone must be refused, not completed with the fitted alpha, a, b.
        var partial = Formula("bgnbd-gg", 1, ("horizonWeeks", 39m), ("r", 0.5m));

        Should.Throw<FormulaParameterException>(() => CurrentValue.Of(partial, Customer1, Day(272), Fitted))
            .Message.ShouldContain("r/alpha/a/b");
    }
}
