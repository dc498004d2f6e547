using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Touchpoints;
using Shouldly;
using Xunit;
using static EventCrm.Relationship.Tests.Ingestion.IngestionExamples;
using Types = EventCrm.Relationship.Touchpoints.TouchpointTypes;

namespace EventCrm.Relationship.Tests.Ingestion;

public class when_a_client_with_nothing_to_cancel_asks_to_cancel
{
    private static CancellationRequested Ask(string id, int day) => new(id, Jan1.AddDays(day), "too expensive");

    /// <summary>A customer as its profile knows it: the deciding marks, by business day.</summary>
    private static Dictionary<string, CustomerStanding> Known(params (int Day, string Type)[] marks) => new()
    {
        ["c1"] = new(marks.Length + 3, true, new Dictionary<string, OfferWindow>(), null,
            marks.Select((m, i) => new StandingMark(Jan1.AddDays(m.Day), i + 1, m.Type)).ToList()),
    };

    private static IngestionPlan Decide(Dictionary<string, CustomerStanding> standings, params ITouchpoint[] touchpoints) =>
        IngestionDecision.Decide(touchpoints.Select((t, i) => new IncomingTouchpoint(i, "c1", t)).ToList(), NothingStored, standings);

    [Fact]
    public void a_churned_client_is_refused_as_a_conflict_naming_the_customer()
    {
        var plan = Decide(Known((1, Types.SignedUp), (20, Types.Churned)), Ask("t1", 30));

        plan.Appends.ShouldBeEmpty();
        plan.Rejections.ShouldHaveSingleItem().ShouldBe(new Rejection(0, "t1", RejectionKind.Conflict,
            "customer 'c1' has churned: there is nothing to cancel (a client who buys again may ask)", "customerId"));
    }

    [Fact]
    public void a_prospect_who_never_signed_up_nor_bought_is_refused()
    {
        // A lead leaves no deciding mark: the profile of a prospect has none.
        var plan = Decide(Known(), Ask("t1", 30));

        plan.Rejections.ShouldHaveSingleItem().Reason.ShouldBe("customer 'c1' is a prospect (never signed up nor bought): there is nothing to cancel");
    }

    [Fact]
    public void a_lead_and_its_request_in_one_batch_are_refused_together()
    {
        var lead = new LeadCaptured("t0", Jan1, "Ada", "ada@example.com", "fair");

        var plan = IngestionDecision.Decide([new(0, "c9", lead), new(1, "c9", Ask("t1", 2))], NothingStored, NobodyKnown);

        (plan.Accepted, plan.Rejections.ShouldHaveSingleItem().Index).ShouldBe((false, 1));
    }

    [Fact]
    public void a_churned_client_who_bought_again_is_active_and_may_ask()
    {
        var standings = Known((1, Types.SignedUp), (20, Types.Churned), (25, Types.Purchase));

        EventCrm.Relationship.Lifecycle.Lifecycle.StateAt(standings["c1"].Marks!, Jan1.AddDays(30)).ShouldBe(CustomerStates.Active);
        Decide(standings, Ask("t1", 30)).Accepted.ShouldBeTrue();
    }

    [Fact]
    public void a_churned_client_who_buys_again_in_the_same_batch_may_ask_after_that_purchase()
    {
        var comeback = new PurchaseMade("t0", Jan1.AddDays(25), "o-9", 50m, 10m, "rollers");

        Decide(Known((1, Types.SignedUp), (20, Types.Churned)), comeback, Ask("t1", 30)).Accepted.ShouldBeTrue();
    }

    [Fact]
    public void a_request_dated_before_a_later_change_of_state_is_history_and_accepted()
    {
        // Imported late: the client asked on day 10, then churned on day 20; the state stays churned.
        Decide(Known((1, Types.SignedUp), (20, Types.Churned)), Ask("t1", 10)).Accepted.ShouldBeTrue();
    }

    [Fact]
    public void an_active_or_retained_client_or_one_asking_again_may_ask()
    {
        Decide(Known((1, Types.SignedUp)), Ask("t1", 30)).Accepted.ShouldBeTrue();
        Decide(Known((1, Types.RetentionOfferAccepted)), Ask("t1", 30)).Accepted.ShouldBeTrue();
        Decide(Known((1, Types.CancellationRequested)), Ask("t1", 30)).Accepted.ShouldBeTrue();
    }

    [Fact]
    public void a_client_churned_by_one_request_cannot_ask_in_the_next_sharing_its_transaction()
    {
        var plans = DecisionsInTurn.Decide([[new(0, "c1", new CustomerChurned("t1", Jan1.AddDays(20), null))], [new(0, "c1", Ask("t2", 30))]],
            NothingStored, Known((1, Types.SignedUp)));

        (plans[0].Accepted, plans[1].Accepted).ShouldBe((true, false));
    }
}
