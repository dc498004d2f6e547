using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using Shouldly;
using static EventCrm.Relationship.Tests.Valuation.Touchpoint;

namespace EventCrm.Relationship.Tests.Valuation;

// A B2B account buys tens of thousands of times, and its value history values it after each
// touchpoint: the categories it has bought (what its cross-sell leaves out) must be carried from
// one purchase to the next, not gathered from every purchase again at each point (that made a
// 50,000-touchpoint history take minutes).
public class when_valuing_after_each_of_many_purchases
{
    [Fact]
    public void a_purchase_in_a_category_already_bought_keeps_the_set_gathered_before()
    {
        var rollers = Ledger(SignUp(Day(0)), Purchase(Day(1), 100m, 30m, "rollers"));
        var gathered = rollers.CategoriesBought();

        var again = rollers.Record(Purchase(Day(2), 50m, 10m, "rollers"));
        var movers = again.Record(Purchase(Day(3), 50m, 10m, "movers"));

        again.CategoriesBought().ShouldBeSameAs(gathered);
        movers.CategoriesBought().ShouldBe(["rollers", "movers"], ignoreOrder: true);
        gathered.ShouldBe(["rollers"]);
    }

    [Fact]
    public void ledgers_given_other_purchases_gather_their_own_categories()
    {
        var movers = Ledger(SignUp(Day(0)), Purchase(Day(1), 100m, 30m, "movers"));
        movers.CategoriesBought().ShouldBe(["movers"]);

        // As a stored ledger is read back, or a `with` replaces the purchases.
        var lifting = movers with { Purchases = [new PurchaseLine(Day(2), "o-9", 80m, 20m, "lifting")] };

        lifting.CategoriesBought().ShouldBe(["lifting"]);
        lifting.ShouldBe(movers with { Purchases = lifting.Purchases });
    }

    [Fact]
    public void each_point_of_a_history_gets_the_cross_sell_of_a_ledger_folded_afresh()
    {
        // smb peers earn 100 on rollers, 200 on movers and 80 on lifting gear; P(c | b) as [b][c].
        var model = PortfolioModel.Default with
        {
            CategoryAffinity = new Dictionary<string, IReadOnlyDictionary<string, decimal>>
            {
                ["rollers"] = new Dictionary<string, decimal> { ["movers"] = 0.5m, ["lifting"] = 0.25m },
                ["movers"] = new Dictionary<string, decimal> { ["rollers"] = 0.4m, ["lifting"] = 0.6m },
            },
            SegmentCategoryMargin = new Dictionary<string, IReadOnlyDictionary<string, decimal>>
            {
                ["smb"] = new Dictionary<string, decimal> { ["rollers"] = 100m, ["movers"] = 200m, ["lifting"] = 80m },
            },
        };
        ITouchpoint[] touchpoints =
        [
            SignUp(Day(0)), Purchase(Day(1), 100m, 30m, "rollers"), Purchase(Day(2), 100m, 30m, "rollers"),
            Purchase(Day(3), 100m, 30m, "movers"), Purchase(Day(4), 100m, 30m, "lifting"),
        ];

        var ledger = FoldedLedger.Empty("c-1");
        var crossSell = new List<decimal>();
        foreach (var touchpoint in touchpoints)
        {
            ledger = ledger.Record(touchpoint);
            crossSell.Add(PotentialValue.Of(ledger, 0m, model).CrossSell);
        }

        // Nothing bought: 0 (no category shares in the model); rollers: movers 0.5 x 200 + lifting
        // 0.25 x 80 = 120, twice; rollers and movers: lifting max(0.25, 0.6) x 80 = 48; all three: 0.
        crossSell.ShouldBe([0m, 120m, 120m, 48m, 0m]);
    }

    [Fact]
    public void the_purchase_occasions_carried_from_purchase_to_purchase_are_those_a_fresh_fold_gathers()
    {
        // Two purchases on day 1 (one occasion of 150), day 3, then one back-dated to day 2, then day 5 twice.
        ITouchpoint[] touchpoints =
        [
            SignUp(Day(0)), Purchase(Day(1), 100m, 30m), Purchase(Day(1.5), 50m, 10m), Purchase(Day(3), 80m, 20m),
            Purchase(Day(2), 40m, 10m), Purchase(Day(5), 60m, 10m), Purchase(Day(5.2), 0.25m, 0m),
        ];

        var ledger = FoldedLedger.Empty("c-1");
        foreach (var touchpoint in touchpoints)
        {
            ledger = ledger.Record(touchpoint);
            ledger.Occasions().ShouldBe(PurchaseOccasions.Of(ledger.Purchases));
        }

        // Days 1 (150), 2 (40), 3 (80), 5 (60.25): three repeats of mean (40 + 80 + 60.25) / 3 = 60.0833...
        var (history, mean) = PurchaseOutlook.HistoryOf(ledger, Day(12));
        (history.RepeatPurchases, history.WeeksToLastPurchase, history.WeeksObserved).ShouldBe((3, 4 / 7.0, 11 / 7.0));
        mean.ShouldBe(180.25m / 3);
        // As of day 4 the purchases of day 5 are not counted yet: days 1, 2 and 3.
        var (before, meanBefore) = PurchaseOutlook.HistoryOf(ledger, Day(4));
        (before.RepeatPurchases, before.WeeksToLastPurchase, before.WeeksObserved, meanBefore).ShouldBe((2, 2 / 7.0, 3 / 7.0, 60m));
    }

    [Fact]
    public void valuing_under_bgnbd_after_each_of_thousands_of_purchases_does_not_group_them_all_again_each_time()
    {
        var ledger = FoldedLedger.Empty("c-1").Record(SignUp(Day(0)));
        var purchases = Enumerable.Range(1, 3_000).Select(day => Purchase(Day(day), 10m, 3m)).ToList();

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        foreach (var purchase in purchases)
        {
            ledger = ledger.Record(purchase);
            PurchaseOutlook.HistoryOf(ledger, purchase.OccurredAt);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        // Grouping the k purchases by day again at each point allocates a node or more per purchase each time:
        // about 3,000^2 / 2 of them, hundreds of megabytes. Carried from one purchase to the next: a few per purchase.
        allocated.ShouldBeLessThan(30L * 1024 * 1024);
        PurchaseOutlook.HistoryOf(ledger, Day(3_000)).History.RepeatPurchases.ShouldBe(2_999);
    }
}
