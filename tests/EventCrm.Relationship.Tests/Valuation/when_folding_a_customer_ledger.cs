using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using Shouldly;
using static EventCrm.Relationship.Tests.Valuation.Touchpoint;

namespace EventCrm.Relationship.Tests.Valuation;

public class when_folding_a_customer_ledger
{
    private static ITouchpoint[] EveryKindOfTouchpoint() =>
    [
        Lead(Day(-5)),
        SignUp(Day(0), "smb", acquisitionCost: 200m),
        Purchase(Day(10), 500m, 150m, "rollers", "o-1"),
        Purchase(Day(40), 250m, 80m, "movers", "o-2"),
        Refund(Day(50), "o-1", 100m, 30m),
        SupportCall(Day(60), 12.50m),
        SupportCall(Day(61), 7.50m),
        Visit(Day(70), 60m),
        PromotionOffered(Day(80), "p-1", 4m),
        PromotionAccepted(Day(82), "p-1", 25m),
        PromotionOffered(Day(90), "p-2", 3m),
        PromotionDeclined(Day(91), "p-2"),
        CancellationRequest(Day(100)),
    ];

    [Fact]
    public void the_historical_value_counts_every_cost_kind_and_refunds_reduce_revenue_and_margin()
    {
        var ledger = FoldedLedger.Of("c-1", EveryKindOfTouchpoint());

        // revenue = 500 + 250 - 100 (refund) = 650
        // margin  = 150 + 80 - 30 (refund's margin) = 200
        // costs: acquisition 200; support 12.50 + 7.50 = 20; visits 60;
        //        promotions = offered costs 4 + 3 + accepted discount 25 = 32 (a declined offer still cost its 3);
        //        retention 0; total 200 + 20 + 60 + 32 = 312
        // profit = 200 - 312 = -112
        var h = ledger.Historical;
        h.Revenue.ShouldBe(650m);
        h.Margin.ShouldBe(200m);
        h.Costs.ShouldBe(new CostBreakdown(Acquisition: 200m, Support: 20m, Visits: 60m, Promotions: 32m, Retention: 0m));
        h.Costs.Total.ShouldBe(312m);
        h.Profit.ShouldBe(-112m);
        ledger.Touchpoints.ShouldBe(13);
    }

    [Fact]
    public void the_sums_do_not_depend_on_the_order_touchpoints_arrive_in()
    {
        var touchpoints = EveryKindOfTouchpoint();

        var reversed = FoldedLedger.Of("c-1", touchpoints.Reverse());

        reversed.Historical.ShouldBe(FoldedLedger.Of("c-1", touchpoints).Historical);
        reversed.State().ShouldBe(CustomerStates.CancellationRequested);
    }

    [Fact]
    public void an_accepted_retention_offer_costs_its_offer_whichever_of_the_two_is_folded_first()
    {
        // The desk stamps an offer with the server's time; the acceptance carries the caller's, which
        // can be earlier. In business-time order the acceptance then comes first.
        ITouchpoint[] touchpoints =
        [
            SignUp(Day(0)), CancellationRequest(Day(100)),
            RetentionOffer(Day(101), "r-1", cost: 40m), RetentionAccepted(Day(101).AddSeconds(-5), "r-1"),
            RetentionOffer(Day(200), "r-2", cost: 25m), RetentionDeclined(Day(201), "r-2"),
        ];

        // Retention cost: r-1 accepted at 40; r-2 declined, so nothing.
        FoldedLedger.Of("c-1", touchpoints).Historical.Costs.Retention.ShouldBe(40m);
        FoldedLedger.Of("c-1", touchpoints.OrderBy(t => t.OccurredAt)).Historical.Costs.Retention.ShouldBe(40m);
        FoldedLedger.Of("c-1", touchpoints.Reverse()).Historical.Costs.Retention.ShouldBe(40m);
    }

    [Fact]
    public void the_margin_by_category_sums_purchase_margins()
    {
        var ledger = Ledger(SignUp(Day(0)), Purchase(Day(1), 100m, 30m, "rollers"), Purchase(Day(2), 50m, 10m, "rollers"),
            Purchase(Day(3), 200m, 70m, "movers"));

        // rollers 30 + 10 = 40; movers 70
        ledger.MarginByCategory().ShouldBe(new Dictionary<string, decimal> { ["rollers"] = 40m, ["movers"] = 70m }, ignoreOrder: true);
    }

    [Fact]
    public void a_back_dated_purchase_recorded_after_a_churn_does_not_win_the_customer_back()
    {
        // Recorded: signup (day 0), churn (day 100), then an ERP import of a purchase on day 50.
        // In business time the purchase came first, so the customer is still churned.
        var ledger = Ledger(SignUp(Day(0)), Churn(Day(100)), Purchase(Day(50), 80m, 20m));

        ledger.StateChanges().ShouldBe([new StateChange(Day(0), CustomerStates.Active), new StateChange(Day(100), CustomerStates.Churned)]);
        ledger.State().ShouldBe(CustomerStates.Churned);
    }

    [Fact]
    public void a_back_dated_churn_before_a_purchase_is_followed_by_the_win_back()
    {
        // Recorded: signup (day 0), purchase (day 30), then a churn back-dated to day 20.
        var ledger = Ledger(SignUp(Day(0)), Purchase(Day(30), 80m, 20m), Churn(Day(20)));

        ledger.StateChanges().ShouldBe([
            new StateChange(Day(0), CustomerStates.Active), new StateChange(Day(20), CustomerStates.Churned),
            new StateChange(Day(30), CustomerStates.Active)]);
        ledger.State().ShouldBe(CustomerStates.Active);
    }

    [Fact]
    public void the_relationship_starts_at_signup_else_the_first_purchase_and_a_lead_has_not_started_one()
    {
        // A lead recorded after the signup but back-dated before it is still the first touchpoint seen.
        var signedUp = Ledger(SignUp(Day(10)), Purchase(Day(20), 10m, 1m), Lead(Day(3)));
        var boughtWithoutSignup = Ledger(Lead(Day(3)), Purchase(Day(25), 10m, 1m), Purchase(Day(15), 10m, 1m));
        var lead = Ledger(Lead(Day(7)), SupportCall(Day(4), 5m));

        signedUp.RelationshipStart().ShouldBe(Day(10));
        signedUp.LeadAt.ShouldBe(Day(3));
        signedUp.FirstSeenAt.ShouldBe(Day(3));
        boughtWithoutSignup.RelationshipStart().ShouldBe(Day(15));
        lead.RelationshipStart().ShouldBeNull();
        lead.State().ShouldBe(CustomerStates.Prospect);
    }

    [Fact]
    public void a_clean_record_has_no_data_errors()
    {
        // Refunds adding up to exactly the order amount are fine.
        var ledger = Ledger(Lead(Day(0)), SignUp(Day(1)), Purchase(Day(2), 100m, 30m, orderId: "o-1"),
            Refund(Day(3), "o-1", 60m, 18m), Refund(Day(4), "o-1", 40m, 12m));

        ledger.DataErrors().ShouldBeEmpty();
    }

    [Fact]
    public void a_refund_of_an_order_the_customer_never_placed_is_a_data_error()
    {
        var ledger = Ledger(SignUp(Day(0)), Purchase(Day(2), 100m, 30m, orderId: "o-1"), Refund(Day(3), "o-9", 10m, 3m));

        ledger.DataErrors().ShouldBe(["refund of order o-9, which this customer never placed"]);
    }

    [Fact]
    public void refunds_above_the_order_amount_are_a_data_error()
    {
        // o-1: 100 ordered, 60 + 50 = 110 refunded.
        var ledger = Ledger(SignUp(Day(0)), Purchase(Day(2), 100m, 30m, orderId: "o-1"),
            Refund(Day(3), "o-1", 60m, 18m), Refund(Day(4), "o-1", 50m, 15m));

        ledger.DataErrors().ShouldBe(["refunds of order o-1 exceed its amount"]);
    }

    [Fact]
    public void a_purchase_before_the_signup_is_a_data_error()
    {
        var ledger = Ledger(SignUp(Day(10)), Purchase(Day(5), 100m, 30m));

        ledger.DataErrors().ShouldBe(["a purchase happened before the customer was acquired"]);
    }

    [Fact]
    public void purchases_without_a_signup_are_a_data_error_and_before_the_lead_a_second_one()
    {
        var afterLead = Ledger(Lead(Day(1)), Purchase(Day(5), 100m, 30m));
        var beforeLead = Ledger(Lead(Day(10)), Purchase(Day(5), 100m, 30m));

        afterLead.DataErrors().ShouldBe(["purchases from a customer who never signed up"]);
        beforeLead.DataErrors().ShouldBe(["a purchase happened before the customer was acquired", "purchases from a customer who never signed up"]);
    }
}
