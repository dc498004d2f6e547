using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Touchpoints;
using Shouldly;
using Xunit;
using static EventCrm.Relationship.Tests.Ingestion.IngestionExamples;

namespace EventCrm.Relationship.Tests.Ingestion;

public class when_deciding_requests_in_turn
{
    private static RetentionOfferAccepted Accept(string id, string offer) => new(id, Jan1.AddDays(2), offer);
    private static RetentionOfferDeclined Decline(string id, string offer) => new(id, Jan1.AddDays(2), offer);

    private static IReadOnlyList<IngestionPlan> Decide(params IncomingTouchpoint[][] requests) =>
        DecisionsInTurn.Decide(requests, NothingStored, NobodyKnown);

    [Fact]
    public void a_customer_signed_up_by_one_request_is_appended_to_by_the_next_from_the_version_it_left()
    {
        var plans = Decide([new(0, "c1", SignUp("t1"))], [new(0, "c1", Purchase("t2")), new(1, "c1", Purchase("t3"))]);

        plans[0].Appends.ShouldHaveSingleItem().StartsStream.ShouldBeTrue();
        var second = plans[1].Appends.ShouldHaveSingleItem();
        second.StartsStream.ShouldBeFalse();
        (second.Before!.Version, second.Before.HasSignedUp).ShouldBe((1L, true));
    }

    [Fact]
    public void a_touchpoint_sent_again_by_a_later_request_is_a_repeat_and_with_other_content_a_conflict()
    {
        var plans = Decide([new(0, "c1", SignUp("t1")), new(1, "c1", Purchase("t2", 100m))],
            [new(0, "c1", Purchase("t2", 100m))],
            [new(0, "c1", Purchase("t2", 999m))]);

        plans[1].Accepted.ShouldBeTrue();
        plans[1].Repeats.ShouldHaveSingleItem().Touchpoint.TouchpointId.ShouldBe("t2");
        plans[1].Appends.ShouldBeEmpty();
        plans[2].Rejections.ShouldHaveSingleItem().Kind.ShouldBe(RejectionKind.Conflict);
    }

    [Fact]
    public void a_rejected_request_leaves_nothing_for_the_ones_after_it()
    {
        var plans = Decide([new(0, "c2", SignUp("t1")), new(1, "nobody", Purchase("t2"))],
            [new(0, "c2", Purchase("t3"))]);

        plans[0].Accepted.ShouldBeFalse();
        plans[1].Rejections.ShouldHaveSingleItem().Kind.ShouldBe(RejectionKind.UnknownCustomer);
    }

    [Fact]
    public void a_second_signup_in_a_later_request_conflicts()
    {
        var plans = Decide([new(0, "c1", SignUp("t1"))], [new(0, "c1", SignUp("t2"))]);

        plans[1].Rejections.ShouldHaveSingleItem().Kind.ShouldBe(RejectionKind.Conflict);
    }

    [Fact]
    public void an_offer_accepted_by_one_request_is_no_longer_open_for_the_next()
    {
        var standings = new Dictionary<string, CustomerStanding> { ["c1"] = new(5, true, new Dictionary<string, OfferWindow> { ["offer-1"] = new(Jan1, Jan1.AddDays(14)) }) };

        var plans = DecisionsInTurn.Decide([[new(0, "c1", Accept("t1", "offer-1"))], [new(0, "c1", Decline("t2", "offer-1"))]], NothingStored, standings);

        plans[0].Accepted.ShouldBeTrue();
        plans[1].Rejections.ShouldHaveSingleItem().Kind.ShouldBe(RejectionKind.UnknownOffer);
    }

    [Fact]
    public void an_answer_dated_after_the_offers_end_is_too_late_though_the_expiry_is_not_recorded_yet()
    {
        // Offer made with a 14-day lifetime, ending on 15 January; the scheduled expiry runs a moment later.
        var ends = Jan1.AddDays(14);
        var standings = new Dictionary<string, CustomerStanding> { ["c1"] = new(5, true, new Dictionary<string, OfferWindow> { ["offer-1"] = new(Jan1, ends) }) };
        IngestionPlan Answer(ITouchpoint answer) => DecisionsInTurn.Decide([[new(0, "c1", answer)]], NothingStored, standings)[0];

        Answer(new RetentionOfferAccepted("t1", ends, "offer-1")).Accepted.ShouldBeTrue();
        Answer(new RetentionOfferAccepted("t2", ends.AddSeconds(1), "offer-1")).Rejections.ShouldHaveSingleItem().Kind.ShouldBe(RejectionKind.UnknownOffer);
        Answer(new RetentionOfferDeclined("t3", ends.AddMinutes(1), "offer-1")).Rejections.ShouldHaveSingleItem().Kind.ShouldBe(RejectionKind.UnknownOffer);
        Answer(new RetentionOfferExpired("t4", ends.AddSeconds(2), "offer-1")).Accepted.ShouldBeTrue();
    }

    [Fact]
    public void an_answer_dated_before_the_offer_was_made_cannot_answer_it()
    {
        // Asked at 10:00:00 on 1 January, offered at 10:00:05; the desk's clock runs three seconds slow.
        var made = Jan1.AddHours(10).AddSeconds(5);
        var standings = new Dictionary<string, CustomerStanding>
        {
            ["c1"] = new(6, true, new Dictionary<string, OfferWindow> { ["offer-1"] = new(made, made.AddDays(7)) }, LatestCancellationAt: Jan1.AddHours(10)),
        };
        IngestionPlan Answer(ITouchpoint answer) => DecisionsInTurn.Decide([[new(0, "c1", answer)]], NothingStored, standings)[0];

        var early = Answer(new RetentionOfferAccepted("t1", made.AddSeconds(-3), "offer-1")).Rejections.ShouldHaveSingleItem();
        early.Field.ShouldBe("occurredAt");
        early.Reason.ShouldContain("was made at");
        Answer(new RetentionOfferDeclined("t2", made.AddTicks(-1), "offer-1")).Accepted.ShouldBeFalse();
        Answer(new RetentionOfferAccepted("t3", made, "offer-1")).Accepted.ShouldBeTrue();
    }

    [Fact]
    public void a_client_who_left_after_the_offer_has_no_offer_left_to_answer()
    {
        // Offer made at 10:00 on 1 January; the client's departure recorded at 11:00, by another request or the same one.
        var made = Jan1.AddHours(10);
        var standings = new Dictionary<string, CustomerStanding>
        {
            ["c1"] = new(6, true, new Dictionary<string, OfferWindow> { ["offer-1"] = new(made, made.AddDays(7)) }, LatestCancellationAt: made),
        };
        var left = new CustomerChurned("left", made.AddHours(1), "moved to a competitor");

        var inTurn = DecisionsInTurn.Decide([[new(0, "c1", left)], [new(0, "c1", Accept("late", "offer-1"))]], NothingStored, standings);
        var together = DecisionsInTurn.Decide([[new(0, "c1", left), new(1, "c1", Accept("late", "offer-1"))]], NothingStored, standings);

        inTurn[1].Rejections.ShouldHaveSingleItem().Field.ShouldBe("offerId");
        together[0].Rejections.ShouldHaveSingleItem().Index.ShouldBe(1);
    }

    [Fact]
    public void a_departure_dated_before_the_offer_leaves_it_open()
    {
        // An old churn imported late (the client came back since) says nothing of today's offer.
        var made = Jan1.AddHours(10);
        var standings = new Dictionary<string, CustomerStanding>
        {
            ["c1"] = new(6, true, new Dictionary<string, OfferWindow> { ["offer-1"] = new(made, made.AddDays(7)) }, LatestCancellationAt: made),
        };
        var longAgo = new CustomerChurned("long-ago", made.AddYears(-1), null);

        var plans = DecisionsInTurn.Decide([[new(0, "c1", longAgo)], [new(0, "c1", Accept("answer", "offer-1"))]], NothingStored, standings);

        plans[1].Accepted.ShouldBeTrue();
    }

    [Fact]
    public void a_departure_dated_before_a_later_request_to_cancel_leaves_the_offer_running()
    {
        // Offer at 10:00; the client asked again at 12:00 (while it ran); a departure dated 11:00 arrives late.
        var made = Jan1.AddHours(10);
        var standings = new Dictionary<string, CustomerStanding>
        {
            ["c1"] = new(7, true, new Dictionary<string, OfferWindow> { ["offer-1"] = new(made, made.AddDays(7)) }, LatestCancellationAt: made.AddHours(2)),
        };
        var lateNews = new CustomerChurned("late-news", made.AddHours(1), null);

        var plans = DecisionsInTurn.Decide([[new(0, "c1", lateNews)], [new(0, "c1", Accept("answer", "offer-1"))]], NothingStored, standings);

        plans[1].Accepted.ShouldBeTrue();
    }

    [Fact]
    public void an_offer_whose_time_is_unknown_is_left_to_its_answer_or_expiry()
    {
        // Stored before profiles kept when offers were made: no departure can be placed after it.
        var standings = new Dictionary<string, CustomerStanding>
        {
            ["c1"] = new(7, true, new Dictionary<string, OfferWindow> { ["offer-1"] = new(null, Jan1.AddDays(7)) }, LatestCancellationAt: Jan1),
        };
        var left = new CustomerChurned("left", Jan1.AddHours(1), null);

        var plans = DecisionsInTurn.Decide([[new(0, "c1", left)], [new(0, "c1", Accept("answer", "offer-1"))]], NothingStored, standings);

        plans[1].Accepted.ShouldBeTrue();
    }

    [Fact]
    public void an_offer_made_in_the_same_batch_opens_when_it_was_made()
    {
        var standings = new Dictionary<string, CustomerStanding> { ["c1"] = new(3, true) };
        var offer = new RetentionOfferMade("made", Jan1.AddHours(10), "asked", "offer-1", 100m, 20m, Jan1.AddDays(7), "rule", new Dictionary<string, decimal>());

        var plans = DecisionsInTurn.Decide(
            [[new(0, "c1", offer)], [new(0, "c1", new RetentionOfferAccepted("early", Jan1.AddHours(9), "offer-1"))]], NothingStored, standings);

        plans[1].Rejections.ShouldHaveSingleItem().Field.ShouldBe("occurredAt");
    }

    [Fact]
    public void an_answer_dated_before_the_latest_request_to_cancel_cannot_answer_it_whichever_request_recorded_that()
    {
        // The client asked to cancel at 10:04 by a sender whose clock runs four minutes ahead; the offer ends on 15 January.
        var asked = Jan1.AddHours(10).AddMinutes(4);
        var offers = new Dictionary<string, OfferWindow> { ["offer-1"] = new(Jan1, Jan1.AddDays(14)) };
        var standings = new Dictionary<string, CustomerStanding> { ["c1"] = new(6, true, offers, LatestCancellationAt: asked) };
        IngestionPlan Answer(params ITouchpoint[] touchpoints) =>
            DecisionsInTurn.Decide([touchpoints.Select((t, i) => new IncomingTouchpoint(i, "c1", t)).ToArray()], NothingStored, standings)[0];

        Answer(new RetentionOfferAccepted("t1", asked.AddMinutes(-3), "offer-1")).Rejections.ShouldHaveSingleItem().Kind.ShouldBe(RejectionKind.UnknownOffer);
        Answer(new RetentionOfferDeclined("t2", asked.AddTicks(-1), "offer-1")).Rejections.ShouldHaveSingleItem().Reason.ShouldContain("before that request");
        Answer(new RetentionOfferAccepted("t3", asked, "offer-1")).Accepted.ShouldBeTrue();

        // A second request in the same batch, dated later still, moves the bound.
        var again = new CancellationRequested("t4", asked.AddMinutes(30), "still too expensive");
        Answer(again, new RetentionOfferAccepted("t5", asked.AddMinutes(10), "offer-1")).Rejections.ShouldHaveSingleItem().Index.ShouldBe(1);
        Answer(again, new RetentionOfferAccepted("t6", asked.AddMinutes(30), "offer-1")).Accepted.ShouldBeTrue();

        // And so does one accepted in an earlier request sharing the transaction.
        var plans = DecisionsInTurn.Decide([[new(0, "c1", again)], [new(0, "c1", new RetentionOfferAccepted("t7", asked.AddMinutes(10), "offer-1"))]],
            NothingStored, standings);
        (plans[0].Accepted, plans[1].Accepted).ShouldBe((true, false));
    }
}
