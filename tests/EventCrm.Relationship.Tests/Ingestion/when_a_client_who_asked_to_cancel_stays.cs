using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Touchpoints;
using Shouldly;
using Xunit;
using static EventCrm.Relationship.Tests.Ingestion.IngestionExamples;
using Types = EventCrm.Relationship.Touchpoints.TouchpointTypes;

namespace EventCrm.Relationship.Tests.Ingestion;

/// <summary>
/// The client signed up on 1 January and asked to cancel ("ask-1") on day 10 at noon; the service
/// made no offer. The desk records that the client stays.
/// </summary>
public class when_a_client_who_asked_to_cancel_stays
{
    private static readonly DateTimeOffset Asked = Jan1.AddDays(10).AddHours(12);

    private static CustomerStanding Asking(Dictionary<string, OfferWindow>? offers = null) =>
        new(4, true, offers ?? new Dictionary<string, OfferWindow>(), Asked, [new StandingMark(Jan1, 1, Types.SignedUp), new StandingMark(Asked, 3, Types.CancellationRequested)], "ask-1");

    private static CancellationWithdrawn Stays(string id, DateTimeOffset at, string request = "ask-1") => new(id, at, request, "talked out of it");

    private static IngestionPlan Decide(CustomerStanding standing, params ITouchpoint[] touchpoints) =>
        IngestionDecision.Decide(touchpoints.Select((t, i) => new IncomingTouchpoint(i, "c1", t)).ToList(), NothingStored,
            new Dictionary<string, CustomerStanding> { ["c1"] = standing });

    [Fact]
    public void the_withdrawal_is_appended_and_the_client_is_active_again()
    {
        var plan = Decide(Asking(), Stays("t1", Asked.AddHours(1)));

        plan.Appends.ShouldHaveSingleItem().Touchpoints.ShouldHaveSingleItem().TouchpointId.ShouldBe("t1");
        var after = DecisionsInTurn.After(Asking(), [Stays("t1", Asked.AddHours(1))]);
        EventCrm.Relationship.Lifecycle.Lifecycle.StateAt(after.Marks!, Asked.AddDays(1)).ShouldBe(CustomerStates.Active);
    }

    [Fact]
    public void the_states_fold_signed_up_asking_then_active_and_a_later_purchase_keeps_it_active()
    {
        var states = EventCrm.Relationship.Lifecycle.Lifecycle.Replay(
            [(1, Types.SignedUp), (2, Types.CancellationRequested), (3, Types.CancellationWithdrawn), (4, Types.Purchase)],
            m => Jan1.AddDays(m.Item1), m => m.Item1, m => m.Item2).Select(r => r.State);

        states.ShouldBe([CustomerStates.Active, CustomerStates.CancellationRequested, CustomerStates.Active, CustomerStates.Active]);
    }

    [Fact]
    public void a_client_not_asking_to_cancel_has_nothing_to_withdraw()
    {
        var active = Asking() with { Marks = [new StandingMark(Jan1, 1, Types.SignedUp)], LatestCancellationAt = null, LatestCancellationId = null };

        Decide(active, Stays("t1", Asked)).Rejections.ShouldHaveSingleItem().ShouldBe(new Rejection(0, "t1", RejectionKind.Conflict,
            "customer 'c1' has no pending request to cancel (state: active): there is nothing to withdraw", "customerId"));
    }

    [Fact]
    public void a_withdrawal_dated_before_the_request_is_refused_naming_its_time()
    {
        var refused = Decide(Asking(), Stays("t1", Asked.AddMinutes(-1))).Rejections.ShouldHaveSingleItem();

        (refused.Kind, refused.Field).ShouldBe((RejectionKind.Conflict, "occurredAt"));
        refused.Reason.ShouldContain("has 'cancellation-requested' at 2025-01-11T12:00:00.0000000+00:00");
    }

    [Fact]
    public void only_the_latest_request_may_be_withdrawn()
    {
        var refused = Decide(Asking(), Stays("t1", Asked.AddHours(1), "ask-0")).Rejections.ShouldHaveSingleItem();

        refused.ShouldBe(new Rejection(0, "t1", RejectionKind.UnknownCancellation,
            "'ask-0' is not the pending request to cancel of customer 'c1' (its latest is 'ask-1')", "cancellationTouchpointId"));
    }

    [Fact]
    public void with_an_offer_open_the_desk_answers_the_offer_instead()
    {
        var open = Asking(new() { ["offer:ask-1"] = new(Asked, Asked.AddDays(7)) });

        var refused = Decide(open, Stays("t1", Asked.AddHours(1))).Rejections.ShouldHaveSingleItem();

        (refused.Kind, refused.Field).ShouldBe((RejectionKind.Conflict, "cancellationTouchpointId"));
        refused.Reason.ShouldContain("retention offer 'offer:ask-1' open until 2025-01-18T12:00:00.0000000+00:00");
        // Once the offer has ended (its expiry finds the client no longer asking and records nothing), the client may stay.
        Decide(open, Stays("t2", Asked.AddDays(7).AddSeconds(1))).Accepted.ShouldBeTrue();
    }

    [Fact]
    public void a_request_and_its_withdrawal_in_one_batch_and_a_second_withdrawal_after_it()
    {
        var active = new CustomerStanding(2, true, new Dictionary<string, OfferWindow>(), null, [new StandingMark(Jan1, 1, Types.SignedUp)]);
        var again = new CancellationRequested("ask-2", Asked.AddDays(1), null);

        Decide(active, again, Stays("t1", Asked.AddDays(2), "ask-2")).Accepted.ShouldBeTrue();
        var plans = DecisionsInTurn.Decide([[new(0, "c1", again), new(1, "c1", Stays("t1", Asked.AddDays(2), "ask-2"))], [new(0, "c1", Stays("t2", Asked.AddDays(3), "ask-2"))]],
            NothingStored, new Dictionary<string, CustomerStanding> { ["c1"] = active });
        (plans[0].Accepted, plans[1].Rejections.ShouldHaveSingleItem().Field).ShouldBe((true, "customerId"));
    }
}
