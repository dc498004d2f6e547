using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Touchpoints;
using Shouldly;
using Xunit;
using static EventCrm.Relationship.Tests.Ingestion.IngestionExamples;

namespace EventCrm.Relationship.Tests.Ingestion;

public class when_deciding_a_batch
{

    [Fact]
    public void a_signup_then_a_purchase_of_a_new_customer_start_one_stream_in_request_order()
    {
        var plan = IngestionDecision.Decide(
            [new(0, "c1", SignUp("t1")), new(1, "c1", Purchase("t2"))], NothingStored, NobodyKnown);

        plan.Accepted.ShouldBeTrue();
        var append = plan.Appends.ShouldHaveSingleItem();
        append.StartsStream.ShouldBeTrue();
        append.Touchpoints.Select(t => t.TouchpointId).ShouldBe(["t1", "t2"]);
    }

    [Fact]
    public void an_existing_customer_is_appended_to_from_its_known_version()
    {
        var plan = IngestionDecision.Decide([new(0, "c1", Purchase("t2"))], NothingStored,
            new Dictionary<string, CustomerStanding> { ["c1"] = new(7, true) });

        var before = plan.Appends.ShouldHaveSingleItem().Before!;
        (before.Version, before.HasSignedUp).ShouldBe((7L, true));
    }

    [Fact]
    public void a_purchase_for_nobody_is_an_unknown_customer_and_empties_the_plan()
    {
        var plan = IngestionDecision.Decide(
            [new(0, "c1", SignUp("t1")), new(1, "ghost", Purchase("t2"))], NothingStored, NobodyKnown);

        plan.Accepted.ShouldBeFalse();
        plan.Appends.ShouldBeEmpty();
        plan.Rejections.ShouldHaveSingleItem().ShouldBe(new Rejection(1, "t2", RejectionKind.UnknownCustomer,
            "customer 'ghost' does not exist; a customer starts with lead-captured or signed-up", "customerId"));
    }

    [Fact]
    public void a_stored_touchpoint_with_equal_content_is_a_repeat_and_with_other_content_a_conflict()
    {
        var stored = new Dictionary<string, StoredTouchpoint> { ["t2"] = new("c1", Purchase("t2", 100m)) };
        var known = new Dictionary<string, CustomerStanding> { ["c1"] = new(2, true) };

        var repeat = IngestionDecision.Decide([new(0, "c1", Purchase("t2", 100.00m))], stored, known);
        var conflict = IngestionDecision.Decide([new(0, "c1", Purchase("t2", 99m))], stored, known);

        repeat.Repeats.ShouldHaveSingleItem().Index.ShouldBe(0);
        repeat.AppendedCount.ShouldBe(0);
        conflict.Rejections.ShouldHaveSingleItem().Kind.ShouldBe(RejectionKind.Conflict);
    }

    [Fact]
    public void an_id_used_twice_in_the_batch_with_other_content_names_the_earlier_item_not_the_store()
    {
        var batch = new IncomingTouchpoint[] { new(0, "c1", SignUp("t1")), new(1, "c1", Purchase("t2", 100m)), new(2, "c1", Purchase("t2", 99m)) };

        var inArray = IngestionDecision.Decide(batch, NothingStored, NobodyKnown);
        var inFile = IngestionDecision.Decide(batch, NothingStored, NobodyKnown, index => $"line {index}");

        inArray.Rejections.ShouldHaveSingleItem().ShouldBe(new Rejection(2, "t2", RejectionKind.Conflict,
            "[1] has the same touchpoint id 't2' with other content"));
        inFile.Rejections.ShouldHaveSingleItem().Reason.ShouldBe("line 1 has the same touchpoint id 't2' with other content");
    }

    [Fact]
    public void a_second_signup_is_a_conflict_whether_stored_or_in_the_same_batch()
    {
        var signedUp = new Dictionary<string, CustomerStanding> { ["c1"] = new(1, true) };

        IngestionDecision.Decide([new(0, "c1", SignUp("t9"))], NothingStored, signedUp)
            .Rejections.ShouldHaveSingleItem().Kind.ShouldBe(RejectionKind.Conflict);
        IngestionDecision.Decide([new(0, "c2", SignUp("t1")), new(1, "c2", SignUp("t2"))], NothingStored, NobodyKnown)
            .Rejections.ShouldHaveSingleItem().Index.ShouldBe(1);
    }

    [Fact]
    public void a_lead_only_customer_may_sign_up()
    {
        var leadOnly = new Dictionary<string, CustomerStanding> { ["c1"] = new(1, false) };

        IngestionDecision.Decide([new(0, "c1", SignUp("t2"))], NothingStored, leadOnly).Accepted.ShouldBeTrue();
    }
}
