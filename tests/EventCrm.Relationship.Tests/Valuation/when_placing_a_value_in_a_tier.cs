using EventCrm.Relationship.Value;
using Shouldly;

namespace EventCrm.Relationship.Tests.Valuation;

public class when_placing_a_value_in_a_tier
{
    private static readonly PortfolioModel Refitted = PortfolioModel.Default with { HighTierFrom = 500m, MediumTierFrom = 100m };

    [Theory]
    [InlineData("5000", "high")]
    [InlineData("500", "high")]            // at the threshold: in
    [InlineData("499.99", "medium")]
    [InlineData("100", "medium")]
    [InlineData("99.99", "low")]
    [InlineData("0", "low")]
    [InlineData("-0.01", "negative")]
    public void thresholds_are_the_lowest_value_of_their_tier(string value, string tier) =>
        ValueTier.Of(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), churned: false, Refitted).ShouldBe(tier);

    [Fact]
    public void a_churned_customer_has_no_tier_whatever_its_value() =>
        ValueTier.Of(5000m, churned: true, Refitted).ShouldBe(ValueTier.None);

    [Fact]
    public void before_any_refit_every_non_negative_value_is_low()
    {
        // The default model's thresholds are 0, and a threshold of 0 or less means "no such tier".
        ValueTier.Of(1_000_000m, churned: false, PortfolioModel.Default).ShouldBe(ValueTier.Low);
        ValueTier.Of(-1m, churned: false, PortfolioModel.Default).ShouldBe(ValueTier.Negative);
    }

    [Fact]
    public void a_portfolio_whose_median_is_0_has_no_medium_tier()
    {
        var model = PortfolioModel.Default with { HighTierFrom = 300m, MediumTierFrom = 0m };

        ValueTier.Of(299m, churned: false, model).ShouldBe(ValueTier.Low);
        ValueTier.Of(300m, churned: false, model).ShouldBe(ValueTier.High);
    }
}
