using EventCrm.Relationship.Retention;
using EventCrm.Relationship.Value;
using Shouldly;
using static EventCrm.Relationship.Tests.Valuation.Touchpoint;

namespace EventCrm.Relationship.Tests.Retention;

// The default policy (docs/retention.md): no offer under a current value of 1,000; the offer's
// cost is at most 20% of the expected remaining margin, of which a tier takes its share:
// platinum from 20,000 all of it, gold from 5,000 60%, silver from 1,000 30%.
// The client bought for 1,000 with 300 of margin: a margin share of 0.3, which turns a
// revenue formula's value (simple-clv) into margin.
public class when_sizing_a_retention_offer
{
    private static readonly DateTimeOffset Now = Year(2);

    private static readonly CustomerLedger Client = FoldedLedger.Of("client",
        [SignUp(Day(0)), Purchase(Day(10), amount: 600m, margin: 180m), Purchase(Day(200), amount: 400m, margin: 120m)]);

    private static FormulaChoice SimpleClv(decimal averageOrderValue, decimal purchasesPerYear, decimal lifetimeYears) =>
        new("simple-clv", 1, new Dictionary<string, decimal>
        {
            ["averageOrderValue"] = averageOrderValue, ["purchasesPerYear"] = purchasesPerYear, ["lifetimeYears"] = lifetimeYears,
        });

    private static RetentionDecision Decide(FormulaChoice formula, RetentionPolicy? policy = null, CustomerLedger? ledger = null)
    {
        var client = ledger ?? Client;
        return RetentionAssessment.Decide(client, CustomerValuation.Of(client, Now, formula, PortfolioModel.Default), formula.Name,
            policy ?? RetentionPolicy.Default, Now, alreadySpent: 0m);
    }

    [Theory]
    // 1,000 x 5 x 5 = 25,000 (platinum): 25,000 x 0.3 = 7,500 of margin, x 0.2 x 1.0
    [InlineData(1_000, 5, 5, "platinum", 1_500.00)]
    // 500 x 4 x 5 = 10,000 (gold): 3,000 of margin, x 0.2 x 0.6
    [InlineData(500, 4, 5, "gold", 360.00)]
    // seed 004's 100 x 4 x 5 = 2,000 (silver): 600 of margin, x 0.2 x 0.3
    [InlineData(100, 4, 5, "silver", 36.00)]
    public void the_offer_is_the_tier_s_share_of_a_fifth_of_the_margin_still_expected(
        double averageOrderValue, double purchasesPerYear, double lifetimeYears, string tier, double cost)
    {
        var decision = Decide(SimpleClv((decimal)averageOrderValue, (decimal)purchasesPerYear, (decimal)lifetimeYears));

        var offer = decision.ShouldBeOfType<OfferRetention>();
        offer.Cost.ShouldBe((decimal)cost);
        offer.Amount.ShouldBe((decimal)cost);
        offer.Rule.ShouldStartWith($"{tier} tier");
        offer.ExpiresAt.ShouldBe(Now.AddDays(7));
    }

    [Fact]
    public void a_formula_that_values_margin_is_taken_as_the_remaining_margin_itself()
    {
        // retention-ltv without horizon: 1,000 x 0.75 / (1 + 0.25 - 0.75) = 1,500 (silver), not scaled by the margin share.
        var formula = new FormulaChoice("retention-ltv", 1, new Dictionary<string, decimal>
        {
            ["marginPerPeriod"] = 1_000m, ["retentionRate"] = 0.75m, ["discountRate"] = 0.25m, ["acquisitionCost"] = 0m,
        });

        var offer = Decide(formula).ShouldBeOfType<OfferRetention>();

        offer.Inputs["expectedRemainingMargin"].ShouldBe(1_500m);
        offer.Cost.ShouldBe(90.00m);   // 1,500 x 0.2 x 0.3
    }

    [Fact]
    public void a_client_under_the_minimum_value_gets_no_offer()
    {
        // 100 x 1 x 5 = 500, under 1,000.
        var letGo = Decide(SimpleClv(100, 1, 5)).ShouldBeOfType<LetGo>();

        letGo.Rule.ShouldBe("below-minimum");
    }

    [Fact]
    public void a_client_in_no_tier_gets_no_offer()
    {
        var onlyGold = RetentionPolicy.Default with { Tiers = [new RetentionTier("gold", 5_000m, 0.6m)] };

        Decide(SimpleClv(100, 4, 5), onlyGold).ShouldBeOfType<LetGo>().Rule.ShouldBe("no-tier");
    }

    [Fact]
    public void a_client_whose_purchases_leave_no_margin_gets_no_offer()
    {
        var noMargin = FoldedLedger.Of("thin", [SignUp(Day(0)), Purchase(Day(10), amount: 1_000m, margin: 0m)]);

        Decide(SimpleClv(100, 4, 5), ledger: noMargin).ShouldBeOfType<LetGo>().Rule.ShouldBe("no-margin");
    }

    [Fact]
    public void a_client_whose_purchases_were_all_refunded_has_no_margin_to_protect()
    {
        // Revenue 1,000 - 1,000 = 0: no margin share can be read from the client (docs/retention.md:
        // 0, not the model's 0.3), so simple-clv's 2,000 (silver) is 0 of margin and no offer.
        var refunded = FoldedLedger.Of("refunded",
            [SignUp(Day(0)), Purchase(Day(10), amount: 1_000m, margin: 300m, orderId: "o-1"), Refund(Day(20), "o-1", amount: 1_000m, margin: 300m)]);

        var letGo = Decide(SimpleClv(100, 4, 5), ledger: refunded).ShouldBeOfType<LetGo>();

        letGo.Rule.ShouldBe("no-margin");
        letGo.Inputs["expectedRemainingMargin"].ShouldBe(0m);
    }

    [Fact]
    public void a_policy_s_own_minimum_and_cap_are_applied()
    {
        var generous = RetentionPolicy.Default with { MinimumCurrentValue = 400m, OfferCapShare = 0.5m };

        // 100 x 1 x 5 = 500: over this policy's minimum but under every tier's start.
        Decide(SimpleClv(100, 1, 5), generous).ShouldBeOfType<LetGo>().Rule.ShouldBe("no-tier");
        // 2,000 (silver): 600 x 0.5 x 0.3
        Decide(SimpleClv(100, 4, 5), generous).ShouldBeOfType<OfferRetention>().Cost.ShouldBe(90.00m);
    }
}
