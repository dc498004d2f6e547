using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Touchpoints;
using Shouldly;
using Xunit;
using static EventCrm.Relationship.Tests.Ingestion.IngestionExamples;

namespace EventCrm.Relationship.Tests.Ingestion;

/// <summary>
/// "Let the client go" names the request to cancel it answers: the churn is recorded only while that request is
/// pending. Requests sharing a transaction are decided in turn, so a colleague's answer decided first wins there too.
/// </summary>
public class when_a_churn_names_the_request_it_answers
{
    private static readonly SignedUp Signup = new("s1", Jan1, "Beta Trading", "desk@beta.example", "smb", "web", 0m);
    private static readonly CancellationRequested Asked = new("ask-1", Jan1.AddDays(10), "too expensive");

    private static CustomerChurned LetGo(string id, int day, string request = "ask-1") => new(id, Jan1.AddDays(day), "let go: no retention offer", request);

    /// <summary>c1 signed up and asked to cancel with ask-1, as the store holds it.</summary>
    private static readonly CustomerStanding Asking = DecisionsInTurn.After(null, [Signup, Asked]);
    private static readonly Dictionary<string, StoredTouchpoint> AskedStored = new() { ["ask-1"] = new("c1", Asked) };

    private static IReadOnlyList<IngestionPlan> InTurn(params ITouchpoint[] requests) => DecisionsInTurn.Decide(
        requests.Select(t => (IReadOnlyList<IncomingTouchpoint>)[new IncomingTouchpoint(0, "c1", t)]).ToList(),
        AskedStored, new Dictionary<string, CustomerStanding> { ["c1"] = Asking });

    [Fact]
    public void the_pending_request_named_lets_the_client_go()
    {
        InTurn(LetGo("go-1", 11)).ShouldHaveSingleItem().Accepted.ShouldBeTrue();
    }

    [Fact]
    public void a_colleagues_stay_decided_first_in_the_same_transaction_refuses_the_churn()
    {
        var plans = InTurn(new CancellationWithdrawn("stays-1", Jan1.AddDays(11), "ask-1", "stays"), LetGo("go-1", 11));

        plans[0].Accepted.ShouldBeTrue();
        plans[1].Rejections.ShouldHaveSingleItem().ShouldBe(new Rejection(0, "go-1", RejectionKind.Conflict,
            "request to cancel 'ask-1' of customer 'c1' is no longer pending: 'cancellation-withdrawn' at 2025-01-12T00:00:00.0000000+00:00 decided it (state: active)",
            "cancellationTouchpointId"));
    }

    [Fact]
    public void of_two_desks_letting_the_client_go_the_second_is_refused()
    {
        var plans = InTurn(LetGo("go-1", 11), LetGo("go-2", 11));

        (plans[0].Accepted, plans[1].Accepted).ShouldBe((true, false));
        plans[1].Rejections.ShouldHaveSingleItem().Reason.ShouldContain("'churned' at 2025-01-12T00:00:00.0000000+00:00 decided it (state: churned)");
    }

    [Fact]
    public void a_request_made_earlier_in_the_same_batch_may_be_named()
    {
        var fresh = DecisionsInTurn.After(null, [Signup]);
        var plan = IngestionDecision.Decide([new(0, "c1", Asked), new(1, "c1", LetGo("go-1", 11))], NothingStored,
            new Dictionary<string, CustomerStanding> { ["c1"] = fresh });

        plan.Accepted.ShouldBeTrue();
    }

    [Fact]
    public void a_request_the_customer_never_made_is_unknown_and_one_of_another_customer_too()
    {
        var standings = new Dictionary<string, CustomerStanding> { ["c1"] = Asking, ["c2"] = Asking };

        var plan = IngestionDecision.Decide([new(0, "c2", LetGo("go-1", 11))], AskedStored, standings);

        plan.Rejections.ShouldHaveSingleItem().ShouldBe(new Rejection(0, "go-1", RejectionKind.UnknownCancellation,
            "customer 'c2' has no request to cancel 'ask-1' (no cancellation-requested with that touchpoint id)", "cancellationTouchpointId"));
    }

    [Fact]
    public void a_churn_dated_before_the_request_is_refused_and_one_naming_none_is_taken_as_before()
    {
        InTurn(LetGo("go-1", 9)).ShouldHaveSingleItem().Rejections.ShouldHaveSingleItem().Field.ShouldBe("occurredAt");
        InTurn(new CancellationWithdrawn("stays-1", Jan1.AddDays(11), "ask-1", null), new CustomerChurned("left", Jan1.AddDays(12), "moved", null))
            .ShouldAllBe(p => p.Accepted);
    }
}
