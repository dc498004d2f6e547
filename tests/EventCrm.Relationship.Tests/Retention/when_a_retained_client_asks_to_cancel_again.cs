using EventCrm.Relationship.Retention;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using Shouldly;
using static EventCrm.Relationship.Tests.Valuation.Touchpoint;

namespace EventCrm.Relationship.Tests.Retention;

/// <summary>
/// demo-000037 accepted a silver offer of 82.76, asked to cancel three more times within 30 s and was offered 82.76 each
/// time, judged from scratch: 331.04 spent where the cap, 20 % of the expected remaining margin 1,379.40, is 275.88. The
/// cap holds for the offers accepted within the window (365 days by default) together: a new offer is what is left of it.
/// </summary>
public class when_a_retained_client_asks_to_cancel_again
{
    private static readonly DateTimeOffset Now = Year(2);

    // The client bought for 1,000 with 300 of margin: a margin share of 0.3. simple-clv 100 x 4 x 5 = 2,000 of current value
    // (silver, from 1,000, share 0.3): 2,000 x 0.3 = 600 of expected remaining margin; cap = 600 x 0.2 = 120.00;
    // the silver tier's offer = 120 x 0.3 = 36.00.
    private static readonly List<ITouchpoint> Bought =
        [SignUp(Day(0)), Purchase(Day(10), amount: 600m, margin: 180m), Purchase(Day(200), amount: 400m, margin: 120m)];

    private static readonly FormulaChoice Formula = new("simple-clv", 1, new Dictionary<string, decimal>
    {
        ["averageOrderValue"] = 100m, ["purchasesPerYear"] = 4m, ["lifetimeYears"] = 5m,
    });

    private static RetentionDecision Decide(IReadOnlyCollection<ITouchpoint> touchpoints, DateTimeOffset at, RetentionPolicy? policy = null)
    {
        var ledger = FoldedLedger.Of("client", touchpoints);
        var applied = policy ?? RetentionPolicy.Default;
        return RetentionAssessment.Decide(ledger, CustomerValuation.Of(ledger, at, Formula, PortfolioModel.Default), Formula.Name, applied, at,
            RetentionSpent.Within(touchpoints, at, applied.CapWindow));
    }

    [Fact]
    public void each_offer_accepted_is_taken_from_the_cap_until_nothing_is_left_and_no_offer_is_made()
    {
        var touchpoints = new List<ITouchpoint>(Bought);
        var offered = new List<decimal>();
        for (var ask = 0; ask < 5; ask++)
        {
            var at = Now.AddSeconds(10 * ask);
            if (Decide(touchpoints, at) is not OfferRetention offer) break;
            offered.Add(offer.Amount);
            var offerId = $"offer-{ask}";
            touchpoints.Add(RetentionOffer(at, offerId, offer.Cost));
            touchpoints.Add(RetentionAccepted(at.AddSeconds(1), offerId));
        }

        // Cap 120.00: 36 (left 120) + 36 (left 84) + 36 (left 48) + 12 (left 12, cut to it) = 120.00; the fifth request finds 0 left.
        offered.ShouldBe([36m, 36m, 36m, 12m]);
        var fifth = Decide(touchpoints, Now.AddSeconds(50)).ShouldBeOfType<LetGo>();
        fifth.Rule.ShouldBe("cap-spent");
        fifth.Inputs["spentWithinCapWindow"].ShouldBe(120m);
        fifth.Inputs["capLeft"].ShouldBe(0m);
        fifth.Reason.ShouldBe("Already spent 120.00 on this client within the window (365 days): nothing is left of the cap of 120.00 " +
            "(20 % of the expected remaining margin 600.00) for another offer.");
    }

    [Fact]
    public void an_offer_cut_to_what_is_left_records_what_was_spent_and_says_it()
    {
        // 108 accepted (three offers of 36): 120 - 108 = 12 left, under the tier's 36.
        var touchpoints = new List<ITouchpoint>(Bought);
        foreach (var (day, id) in new[] { (600, "a"), (650, "b"), (700, "c") })
            touchpoints.AddRange([RetentionOffer(Day(day), id, 36m), RetentionAccepted(Day(day + 1), id)]);

        var offer = Decide(touchpoints, Now).ShouldBeOfType<OfferRetention>();

        offer.Amount.ShouldBe(12m);
        offer.Cost.ShouldBe(12m);
        offer.Inputs["spentWithinCapWindow"].ShouldBe(108m);
        offer.Inputs["capWindowDays"].ShouldBe(365m);
        offer.Inputs["capLeft"].ShouldBe(12m);
        offer.Rule.ShouldBe("silver tier (current value from 1,000): offer 30 % of a cap of 20 % of the expected remaining margin, cut to what is left of the cap");
        OfferReason.Why(offer.Amount, offer.Rule, offer.Tier, "simple-clv@1", offer.Inputs).ShouldBe(
            "Offer 12.00 to keep the client: the client is in the silver retention tier (current value from 1,000), whose rule is to offer " +
            "30 % of a cap of 20 % of the expected remaining margin (formula simple-clv@1); already spent 108.00 on this client within the " +
            "window (365 days), leaving 12.00 of the cap: the offer is all that is left.");
    }

    [Fact]
    public void an_offer_that_fits_in_what_is_left_is_the_tier_s_share_and_says_what_was_spent()
    {
        // 36 accepted: 120 - 36 = 84 left, more than the tier's 36.
        var touchpoints = new List<ITouchpoint>(Bought) { RetentionOffer(Day(600), "a", 36m), RetentionAccepted(Day(601), "a") };

        var offer = Decide(touchpoints, Now).ShouldBeOfType<OfferRetention>();

        offer.Amount.ShouldBe(36m);
        offer.Rule.ShouldBe("silver tier (current value from 1,000): offer 30 % of a cap of 20 % of the expected remaining margin");
        OfferReason.Why(offer.Amount, offer.Rule, offer.Tier, "simple-clv@1", offer.Inputs).ShouldEndWith(
            "(formula simple-clv@1); already spent 36.00 on this client within the window (365 days), leaving 84.00 of the cap.");
    }

    [Fact]
    public void only_offers_accepted_within_the_window_count_and_declined_open_or_expired_ones_cost_nothing()
    {
        var at = Year(2);
        ITouchpoint[] touchpoints =
        [
            // Accepted 366 days before: out of the window.
            RetentionOffer(at.AddDays(-370), "old", 50m), RetentionAccepted(at.AddDays(-366), "old"),
            // Made 370 days before, accepted 300 days before: counted, at its acceptance.
            RetentionOffer(at.AddDays(-370), "late", 20m), RetentionAccepted(at.AddDays(-300), "late"),
            RetentionOffer(at.AddDays(-10), "recent", 7m), RetentionAccepted(at.AddDays(-9), "recent"),
            RetentionOffer(at.AddDays(-8), "declined", 1_000m), RetentionDeclined(at.AddDays(-7), "declined"),
            RetentionOffer(at.AddDays(-6), "expired", 2_000m), new RetentionOfferExpired("x", at.AddDays(1), "expired"),
            RetentionOffer(at.AddDays(-1), "open", 4_000m),
        ];

        // 20 + 7 = 27: "old" left the window, the others were never accepted.
        RetentionSpent.Within(touchpoints, at, TimeSpan.FromDays(365)).ShouldBe(27m);
        // A window of 30 days: 7 alone.
        RetentionSpent.Within(touchpoints, at, TimeSpan.FromDays(30)).ShouldBe(7m);
    }

    [Fact]
    public void offers_accepted_before_the_window_leave_the_whole_cap()
    {
        // 120 accepted 400 days before: out of the 365-day window, the tier's 36 again; under a 500-day window, nothing left.
        var touchpoints = new List<ITouchpoint>(Bought) { RetentionOffer(Now.AddDays(-401), "a", 120m), RetentionAccepted(Now.AddDays(-400), "a") };

        Decide(touchpoints, Now).ShouldBeOfType<OfferRetention>().Amount.ShouldBe(36m);
        Decide(touchpoints, Now, RetentionPolicy.Default with { CapWindow = TimeSpan.FromDays(500) }).ShouldBeOfType<LetGo>().Rule.ShouldBe("cap-spent");
    }
}
