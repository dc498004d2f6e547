using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using Shouldly;
using static EventCrm.Relationship.Tests.Valuation.Touchpoint;

namespace EventCrm.Relationship.Tests.Valuation;

// The ledger steps its state on with each in-order touchpoint instead of refolding every mark;
// these compare it, after every touchpoint, with the full fold of the marks in business time.
public class when_a_ledger_keeps_its_folded_state
{
    private static string Refolded(FoldedLedger ledger) =>
        global::EventCrm.Relationship.Lifecycle.Lifecycle.Replay(ledger.Marks, m => m.At, m => m.Order, m => m.Type) is { Count: > 0 } states ? states[^1].State : CustomerStates.Prospect;

    private static void EveryStepMatchesTheFullFold(IEnumerable<ITouchpoint> touchpoints, bool askEachTime)
    {
        var ledger = FoldedLedger.Empty("c-1");
        foreach (var touchpoint in touchpoints)
        {
            ledger = ledger.Record(touchpoint);
            if (askEachTime) ledger.State().ShouldBe(Refolded(ledger), $"after {TouchpointTypes.NameOf(touchpoint)} at {touchpoint.OccurredAt:O}");
        }
        ledger.State().ShouldBe(Refolded(ledger));
    }

    // Hand-checked: churned on day 30 and won back by the purchase on day 40; then a cancellation
    // request back-dated to day 35 lands before that purchase, which no longer wins anything back;
    // a churn on day 50, and a purchase recorded after it at the same moment wins the customer back.
    private static ITouchpoint[] WonBackThenBackDated() =>
    [
        Lead(Day(-5)), SignUp(Day(0)), Purchase(Day(10), 100m, 30m), Churn(Day(30)), Purchase(Day(40), 50m, 10m),
        CancellationRequest(Day(35)), Visit(Day(45), 5m), Churn(Day(50)), Purchase(Day(50), 20m, 5m),
    ];

    [Fact]
    public void each_step_in_business_time_order_gives_the_state_of_the_full_fold()
    {
        // By hand, in business time: lead (prospect), signup (active), purchase day 10, churn day 30,
        // request day 35 (asking to cancel: a churned client's request still sets the state), purchase
        // day 40 (a client asking to cancel stays so), visit day 45, churn day 50, purchase day 50
        // recorded after it (won back).
        var ledger = FoldedLedger.Empty("c-1");
        WonBackThenBackDated().OrderBy(t => t.OccurredAt).Select(t => (ledger = ledger.Record(t)).State()).ShouldBe(
        [
            CustomerStates.Prospect, CustomerStates.Active, CustomerStates.Active, CustomerStates.Churned, CustomerStates.CancellationRequested,
            CustomerStates.CancellationRequested, CustomerStates.CancellationRequested, CustomerStates.Churned, CustomerStates.Active,
        ]);
        EveryStepMatchesTheFullFold(WonBackThenBackDated().OrderBy(t => t.OccurredAt), askEachTime: true);
        EveryStepMatchesTheFullFold(WonBackThenBackDated().OrderBy(t => t.OccurredAt), askEachTime: false);
    }

    [Fact]
    public void back_dated_touchpoints_in_any_recording_order_give_the_state_of_the_full_fold()
    {
        EveryStepMatchesTheFullFold(WonBackThenBackDated(), askEachTime: true);
        EveryStepMatchesTheFullFold(WonBackThenBackDated().Reverse(), askEachTime: true);
        EveryStepMatchesTheFullFold(WonBackThenBackDated().Reverse(), askEachTime: false);
        var random = new Random(7);
        for (var i = 0; i < 50; i++) EveryStepMatchesTheFullFold(WonBackThenBackDated().OrderBy(_ => random.Next()), askEachTime: i % 2 == 0);
    }

    [Fact]
    public void the_hand_checked_history_goes_through_the_states_it_should()
    {
        var recorded = WonBackThenBackDated();
        FoldedLedger.Of("c-1", recorded[..5]).State().ShouldBe(CustomerStates.Active);
        FoldedLedger.Of("c-1", recorded[..6]).State().ShouldBe(CustomerStates.CancellationRequested);
        FoldedLedger.Of("c-1", recorded[..8]).State().ShouldBe(CustomerStates.Churned);
        FoldedLedger.Of("c-1", recorded).State().ShouldBe(CustomerStates.Active);
    }

    [Fact]
    public void marks_set_from_outside_are_folded_afresh_and_the_kept_state_never_makes_two_ledgers_differ()
    {
        var active = FoldedLedger.Of("c-1", [SignUp(Day(0)), Purchase(Day(10), 100m, 30m)]);
        active.State().ShouldBe(CustomerStates.Active);
        var churned = active with { Marks = [.. active.Marks, new StateMark(Day(20), 2, TouchpointTypes.Churned)] };
        churned.State().ShouldBe(CustomerStates.Churned);
        churned.Record(Visit(Day(30), 5m)).State().ShouldBe(CustomerStates.Churned);

        var asked = FoldedLedger.Of("c-2", [SignUp(Day(0))]);
        var notAsked = asked with { Marks = asked.Marks }; // the same marks, not folded yet
        asked.State();
        asked.ShouldBe(notAsked);
        asked.GetHashCode().ShouldBe(notAsked.GetHashCode());
    }
}
