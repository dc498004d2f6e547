using EventCrm.Relationship.Value;
using Shouldly;
using static EventCrm.Relationship.Tests.Valuation.Touchpoint;

namespace EventCrm.Relationship.Tests.Valuation;

// The worked example customer as of one year after signup (WorkedExample): revenue 350, margin 105,
// 2 purchases, promotions 15 + visits 80 = 95 development costs, support 15 retention costs.
// Its measures: averageOrderValue 350 / 2 = 175, purchasesPerYear 2 / 1 = 2, marginPerPurchase
// 105 / 2 = 52.5, net margin per year 105 - 95 - 15 = -5.
// The default portfolio model retains 75% a year: expected lifetime r / (1 - r) = 0.75 / 0.25 = 3 years.
public class when_estimating_current_value
{
    private static CurrentValueResult ValueOf(FormulaChoice formula, PortfolioModel? model = null) =>
        CurrentValue.Of(formula, WorkedExample.Ledger(), WorkedExample.AsOf, model ?? PortfolioModel.Default);

    [Fact]
    public void simple_clv_at_version_0_estimates_every_input()
    {
        var result = ValueOf(FormulaChoice.BuiltIn("simple-clv"));

        // 175 x 2 x 3 = 1,050
        result.Value.ShouldBe(1050m);
        result.Inputs.ShouldBe(new Dictionary<string, decimal>
        {
            ["averageOrderValue"] = 175m, ["purchasesPerYear"] = 2m, ["lifetimeYears"] = 3m,
        }, ignoreOrder: true);
        result.Note.ShouldBeNull();
    }

    [Fact]
    public void waland_cole_at_version_0_discounts_round_lifetime_periods_at_8_percent()
    {
        var result = ValueOf(FormulaChoice.BuiltIn("waland-cole"));

        // Each period: Vol x M - D - R = 2 x 52.5 - 95 - 15 = -5; periods = round(3) = 3; d = 1 / 1.08
        // -5 x (1/1.08 + 1/1.08^2 + 1/1.08^3) - 0 = -5 x (0.925926 + 0.857339 + 0.793832) = -5 x 2.577097 = -12.885 -> -12.89
        result.Value.ShouldBe(-12.89m);
        result.Inputs.ShouldBe(new Dictionary<string, decimal>
        {
            ["volumePerPeriod"] = 2m, ["marginPerUnit"] = 52.5m, ["developmentCostPerPeriod"] = 95m,
            ["retentionCostPerPeriod"] = 15m, ["acquisitionCost"] = 0m, ["costOfCapital"] = 0.08m, ["periods"] = 3m,
        }, ignoreOrder: true);
    }

    [Fact]
    public void retention_ltv_at_version_0_is_the_closed_form_with_the_model_retention_and_8_percent()
    {
        var result = ValueOf(FormulaChoice.BuiltIn("retention-ltv"));

        // m r / (1 + i - r) - AC = -5 x 0.75 / (1.08 - 0.75) - 0 = -3.75 / 0.33 = -11.3636 -> -11.36
        result.Value.ShouldBe(-11.36m);
        result.Inputs.ShouldBe(new Dictionary<string, decimal>
        {
            ["marginPerPeriod"] = -5m, ["retentionRate"] = 0.75m, ["discountRate"] = 0.08m, ["acquisitionCost"] = 0m,
        }, ignoreOrder: true);
    }

    [Fact]
    public void retention_ltv_of_a_profitable_customer()
    {
        // Margin 400 over 2 years, no cost to serve: m = 200 a year.
        // 200 x 0.75 / 0.33 = 454.5454... -> 454.55 (the acquisition cost of 300 is sunk: AC is estimated as 0)
        var ledger = Ledger(SignUp(Year(0), acquisitionCost: 300m), Purchase(Day(10), 1000m, 400m));

        CurrentValue.Of(FormulaChoice.Default, ledger, Year(2), PortfolioModel.Default).Value.ShouldBe(454.55m);
    }

    [Fact]
    public void the_lifetime_follows_the_model_retention()
    {
        var keepsEightyPercent = PortfolioModel.Default with { AnnualRetentionRate = 0.8m };
        var keepsSeventyPercent = PortfolioModel.Default with { AnnualRetentionRate = 0.7m };

        // r = 0.8: lifetime 0.8 / 0.2 = 4 years: 175 x 2 x 4 = 1,400; 4 Waland-Cole periods.
        ValueOf(FormulaChoice.BuiltIn("simple-clv"), keepsEightyPercent).Value.ShouldBe(1400m);
        ValueOf(FormulaChoice.BuiltIn("waland-cole"), keepsEightyPercent).Inputs["periods"].ShouldBe(4m);

        // r = 0.7: lifetime 0.7 / 0.3 = 2.333 years: 175 x 2 x 2.333 = 816.67; periods = round(2.333) = 2:
        // -5 x (1/1.08 + 1/1.08^2) = -5 x (0.925926 + 0.857339) = -8.916 -> -8.92
        ValueOf(FormulaChoice.BuiltIn("simple-clv"), keepsSeventyPercent).Value.ShouldBe(816.67m);
        var walandCole = ValueOf(FormulaChoice.BuiltIn("waland-cole"), keepsSeventyPercent);
        walandCole.Inputs["periods"].ShouldBe(2m);
        walandCole.Value.ShouldBe(-8.92m);
    }

    [Fact]
    public void the_lifetime_is_capped_at_20_years()
    {
        // r = 0.99: 0.99 / 0.01 = 99 years, capped at 20: 175 x 2 x 20 = 7,000.
        var result = ValueOf(FormulaChoice.BuiltIn("simple-clv"), PortfolioModel.Default with { AnnualRetentionRate = 0.99m });

        result.Inputs["lifetimeYears"].ShouldBe(20m);
        result.Value.ShouldBe(7000m);
    }

    [Fact]
    public void explicit_parameters_override_the_estimates()
    {
        // marginPerPeriod still estimated (-5); -5 x 0.8 / (1.1 - 0.8) = -4 / 0.3 = -13.333 -> -13.33
        var ltv = ValueOf(Formula("retention-ltv", 1, ("retentionRate", 0.8m), ("discountRate", 0.1m)));
        ltv.Value.ShouldBe(-13.33m);
        ltv.Inputs["retentionRate"].ShouldBe(0.8m);
        ltv.Inputs["marginPerPeriod"].ShouldBe(-5m);

        // purchasesPerYear still estimated (2): 100 x 2 x 3 = 600
        ValueOf(Formula("simple-clv", 2, ("averageOrderValue", 100m), ("lifetimeYears", 3m))).Value.ShouldBe(600m);

        // An explicit acquisition cost is subtracted: -11.3636 - 120 = -131.3636 -> -131.36
        ValueOf(Formula("retention-ltv", 3, ("acquisitionCost", 120m))).Value.ShouldBe(-131.36m);

        // An explicit horizon uses the sum: -5 x (0.75/1.08 + (0.75/1.08)^2) = -5 x (0.694444 + 0.482253) = -5.8835 -> -5.88
        ValueOf(Formula("retention-ltv", 4, ("periods", 2m))).Value.ShouldBe(-5.88m);
    }

    [Fact]
    public void the_value_is_rounded_to_cents_half_to_even()
    {
        // 0.0625 x 1 x 2 = 0.125: a tie, rounded to the even cent 0.12 (not 0.13).
        ValueOf(Formula("simple-clv", 1, ("averageOrderValue", 0.0625m), ("purchasesPerYear", 1m), ("lifetimeYears", 2m)))
            .Value.ShouldBe(0.12m);
    }

    [Fact]
    public void a_churned_customer_is_worth_0_with_a_note()
    {
        var churned = WorkedExample.Ledger(Churn(Day(330)));

        var result = CurrentValue.Of(FormulaChoice.BuiltIn("simple-clv"), churned, WorkedExample.AsOf, PortfolioModel.Default);

        result.Value.ShouldBe(0m);
        result.Note.ShouldBe("churned: no transactions are expected any more");
        result.Inputs["averageOrderValue"].ShouldBe(175m);
    }

    [Fact]
    public void a_churned_customer_who_buys_again_is_valued_again()
    {
        // Churn on day 330, purchase of 50 on day 340: 3 purchases, revenue 400: 400/3 x 3 x 3 = 1,200
        var wonBack = WorkedExample.Ledger(Churn(Day(330)), Purchase(Day(340), 50m, 10m));

        CurrentValue.Of(FormulaChoice.BuiltIn("simple-clv"), wonBack, WorkedExample.AsOf, PortfolioModel.Default).Value.ShouldBe(1200m);
    }

    [Fact]
    public void a_prospect_is_worth_0_with_a_note_and_a_buyer_without_signup_is_not_a_prospect()
    {
        var prospect = Ledger(Lead(Day(0)), Visit(Day(20), 50m));
        var buyer = Ledger(Lead(Day(0)), Purchase(Day(10), 100m, 30m));

        var prospectValue = CurrentValue.Of(FormulaChoice.Default, prospect, Year(1), PortfolioModel.Default);
        prospectValue.Value.ShouldBe(0m);
        prospectValue.Note.ShouldBe("prospect: no transactions are expected until the lead converts");

        // Tenure from the purchase on day 10 to Year(1) is 355.25 days: 100 x (365.25 / 355.25) a year x 3 years = 308.44.
        CurrentValue.Of(FormulaChoice.BuiltIn("simple-clv"), buyer, Year(1), PortfolioModel.Default).Value.ShouldBe(308.44m, 0.01m);
    }

    [Fact]
    public void bgnbd_gg_without_a_fitted_model_cannot_be_computed()
    {
        Should.Throw<ModelNotFittedException>(() => ValueOf(FormulaChoice.BuiltIn("bgnbd-gg")));
        Should.Throw<ModelNotFittedException>(() => ValueOf(FormulaChoice.BuiltIn("bgnbd-gg"),
            PortfolioModel.Default with { Purchases = new BgNbdParameters(0.243, 4.414, 0.793, 2.426) }));
    }

    [Fact]
    public void unknown_parameter_names_are_refused()
    {
        var problem = Should.Throw<FormulaParameterException>(() => ValueOf(Formula("retention-ltv", 1, ("retentionRates", 0.8m))));

        problem.Message.ShouldContain("'retentionRates'");
        Should.Throw<ArgumentException>(() => ValueOf(FormulaChoice.BuiltIn("astrology")));
    }

    [Fact]
    public void waland_cole_needs_at_least_one_period()
    {
        // r = 0.3: lifetime 0.3 / 0.7 = 0.43, rounds to 0, raised to 1 period: -5 / 1.08 = -4.63
        var result = ValueOf(FormulaChoice.BuiltIn("waland-cole"), PortfolioModel.Default with { AnnualRetentionRate = 0.3m });

        result.Inputs["periods"].ShouldBe(1m);
        result.Value.ShouldBe(-4.63m);
    }
}
