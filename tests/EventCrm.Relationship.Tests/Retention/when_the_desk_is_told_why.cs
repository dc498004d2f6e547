using EventCrm.Relationship.Retention;
using EventCrm.Relationship.Value;
using Shouldly;
using static EventCrm.Relationship.Tests.Valuation.Touchpoint;

namespace EventCrm.Relationship.Tests.Retention;

// The desk's page shows the value tier (low, medium, high: a rank among all clients) on a card and the service's
// "Why:" sentence in the retention panel; the retention policy's tiers (silver, gold, platinum) size offers.
// Every sentence that names a retention tier says so.
public class when_the_desk_is_told_why
{
    [Fact]
    public void an_offer_s_reason_names_the_retention_tier_from_the_rule_recorded_with_it()
    {
        var rule = "gold tier (current value from 5,000): offer 60 % of a cap of 20 % of the expected remaining margin (formula retention-ltv@0)";

        OfferReason.Why(2_181.82m, rule, tier: null, formula: null).ShouldBe("Offer 2,181.82 to keep the client: the client is in the gold retention tier " +
            "(current value from 5,000), whose rule is to offer 60 % of a cap of 20 % of the expected remaining margin (formula retention-ltv@0).");
    }

    [Fact]
    public void the_rule_the_assessment_records_is_the_one_the_reason_reads()
    {
        var silver = new RetentionTier("silver", 1_000m, 0.3m);

        var rule = OfferReason.Rule(OfferTier.Of(silver, 0.2m));

        rule.ShouldBe("silver tier (current value from 1,000): offer 30 % of a cap of 20 % of the expected remaining margin");
        OfferReason.Why(36m, rule, tier: null, formula: null).ShouldBe("Offer 36.00 to keep the client: the client is in the silver retention tier " +
            "(current value from 1,000), whose rule is to offer 30 % of a cap of 20 % of the expected remaining margin.");
    }

    [Fact]
    public void a_rule_of_another_wording_is_quoted_whole_as_the_retention_rule()
    {
        OfferReason.Why(100m, "a rule written by hand", tier: null, formula: null).ShouldBe("Offer 100.00 to keep the client: retention rule a rule written by hand.");
    }

    [Fact]
    public void an_offer_s_reason_is_said_from_the_tier_recorded_with_it_whatever_the_rule_s_wording()
    {
        // Platinum from 20,000, its whole share (100 %) of a cap of 25 %: figures no other wording of the rule could give.
        var tier = new OfferTier("platinum", 20_000m, 1m, 0.25m);

        OfferReason.Why(5_000m, "top clients get the full cap (formula retention-ltv@2)", tier, formula: null).ShouldBe("Offer 5,000.00 to keep the client: " +
            "the client is in the platinum retention tier (current value from 20,000), whose rule is to offer 100 % of a cap of 25 % " +
            "of the expected remaining margin (formula retention-ltv@2).");
    }

    [Fact]
    public void an_offer_s_reason_names_the_formula_recorded_with_it_whatever_the_rule_says()
    {
        var tier = new OfferTier("gold", 5_000m, 0.6m, 0.2m);

        OfferReason.Why(2_181.82m, "gold clients keep", tier, "simple-clv@3").ShouldBe("Offer 2,181.82 to keep the client: " +
            "the client is in the gold retention tier (current value from 5,000), whose rule is to offer 60 % of a cap of 20 % " +
            "of the expected remaining margin (formula simple-clv@3).");
    }

    [Fact]
    public void a_decision_recorded_before_its_formula_was_has_it_read_from_its_rule_s_ending()
    {
        OfferReason.FormulaOf("below-minimum (formula bgnbd-gg@12)").ShouldBe("bgnbd-gg@12");
        OfferReason.FormulaOf("gold tier (current value from 5,000): offer 60 % of a cap of 20 % of the expected remaining margin (formula retention-ltv@0)")
            .ShouldBe("retention-ltv@0");
        OfferReason.FormulaOf("a rule written by hand").ShouldBeNull();
    }

    [Fact]
    public void an_offer_recorded_before_its_tier_was_has_it_read_from_its_rule_and_inputs()
    {
        var inputs = new Dictionary<string, decimal> { ["tierFrom"] = 5_000m, ["tierShare"] = 0.6m, ["offerCapShare"] = 0.2m, ["currentValue"] = 18_181.82m };

        OfferReason.TierOf("gold tier (current value from 5,000): offer 60 % of a cap of 20 % of the expected remaining margin (formula retention-ltv@0)", inputs)
            .ShouldBe(new OfferTier("gold", 5_000m, 0.6m, 0.2m));
        OfferReason.TierOf("a rule written by hand", inputs).ShouldBeNull();
    }

    [Fact]
    public void a_client_below_every_retention_tier_is_told_so_not_below_a_value_tier()
    {
        // Tiers from 50,000 only, above the 1,000 minimum: 1,000 x 4 x 5 = 20,000 of current value reaches none.
        var client = FoldedLedger.Of("client", [SignUp(Day(0)), Purchase(Day(10), amount: 1_000m, margin: 300m)]);
        var formula = new FormulaChoice("simple-clv", 1, new Dictionary<string, decimal>
        {
            ["averageOrderValue"] = 1_000m, ["purchasesPerYear"] = 4m, ["lifetimeYears"] = 5m,
        });
        var policy = RetentionPolicy.Default with { Tiers = [new("platinum", 50_000m, 1m)] };

        var decision = RetentionAssessment.Decide(client, CustomerValuation.Of(client, Year(2), formula, PortfolioModel.Default), formula.Name, policy, Year(2), alreadySpent: 0m);

        var letGo = decision.ShouldBeOfType<LetGo>();
        letGo.Rule.ShouldBe("no-tier");
        letGo.Reason.ShouldBe("Current value 20,000.00 reaches no retention tier of the policy.");
    }
}
