using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using Shouldly;
using static EventCrm.Relationship.Tests.Valuation.Touchpoint;

namespace EventCrm.Relationship.Tests.Valuation;

// ValueReplay sorts once and steps one ledger along; the reference below does neither: for each
// point it folds the whole prefix again and refolds the state from every mark.
public class when_replaying_a_customer
{
    private static readonly FormulaChoice Replayed = Formula("simple-clv", 2, ("lifetimeYears", 4m));

    // Recorded out of business-time order: a back-dated call and cancellation, a churn, a win-back
    // purchase, two touchpoints at the same moment, and one after the replay date.
    private static ITouchpoint[] Recorded() =>
    [
        Lead(Day(-5)), SignUp(Day(0), "smb", 50m), Purchase(Day(10), 100m, 30m), SupportCall(Day(5), 8m), Churn(Day(30)),
        Purchase(Day(40), 60m, 20m, "movers"), CancellationRequest(Day(35)), Visit(Day(40), 5m), Purchase(Day(400), 90m, 25m),
    ];

    private static ReplayedPoint Reference(IReadOnlyList<ITouchpoint> prefix, PortfolioModel model)
    {
        var folded = FoldedLedger.Of("c-1", prefix);
        var ledger = folded with { Marks = folded.Marks.ToList() }; // a new list: its state is refolded from every mark
        var last = prefix[^1];
        var v = CustomerValuation.Of(ledger, last.OccurredAt, Replayed, model);
        return new ReplayedPoint(last.TouchpointId, TouchpointTypes.NameOf(last), last.OccurredAt, v.Historical.Revenue, v.Historical.Profit,
            v.Current.Value, v.Potential.Total, v.Tier);
    }

    [Fact]
    public void every_point_and_the_final_values_equal_a_fold_of_each_prefix_in_business_time()
    {
        var recorded = Recorded();
        var asOf = Day(100);
        var model = PortfolioModel.Default with { HighTierFrom = 500m, MediumTierFrom = 100m };

        var replayed = ValueReplay.Customer("c-1", recorded, asOf, Replayed, FormulaChoice.Default, model);
        var history = ValueReplay.History("c-1", recorded, asOf, Replayed, model);

        var inOrder = recorded.Select((t, i) => (t, i)).Where(x => x.t.OccurredAt <= asOf).OrderBy(x => x.t.OccurredAt).ThenBy(x => x.i)
            .Select(x => x.t).ToArray();
        inOrder.Length.ShouldBe(8);
        replayed.Events.ShouldBe(8);
        history.ShouldBe(Enumerable.Range(1, inOrder.Length).Select(n => Reference(inOrder[..n], model)).ToList());
        var whole = FoldedLedger.Of("c-1", inOrder);
        replayed.Value.Valuation!.Current.ShouldBeEquivalentTo(CustomerValuation.Of(whole with { Marks = whole.Marks.ToList() }, asOf, Replayed, model).Current);
        replayed.Live.Tier.ShouldBe(CustomerValuation.Of(whole with { Marks = whole.Marks.ToList() }, asOf, FormulaChoice.Default, model).Tier);
    }

    [Fact]
    public void the_hand_checked_points_show_the_churn_the_win_back_and_the_back_dated_cancellation()
    {
        var history = ValueReplay.History("c-1", Recorded(), Day(100), Replayed, PortfolioModel.Default);

        history.Select(p => p.Type).ShouldBe(
        [
            TouchpointTypes.LeadCaptured, TouchpointTypes.SignedUp, TouchpointTypes.SupportCall, TouchpointTypes.Purchase,
            TouchpointTypes.Churned, TouchpointTypes.CancellationRequested, TouchpointTypes.Purchase, TouchpointTypes.Visit,
        ]);
        history[4].Current.ShouldBe(0m);           // churned: nothing expected any more
        history[4].Tier.ShouldBe(ValueTier.None);
        history[6].Revenue.ShouldBe(160m);         // 100 + 60
        // The purchase after the cancellation request: still a customer. simple-clv with a lifetime of 4 years,
        // the rest estimated: order value 160 / 2 = 80, tenure 40 days floored at 0.25 years so 2 / 0.25 = 8 a year:
        // 80 x 8 x 4 = 2,560.
        history[6].Current.ShouldBe(2560m);
        history[7].Profit.ShouldBe(30m + 20m - 50m - 8m - 5m); // margins - acquisition - support - visit
    }
}
