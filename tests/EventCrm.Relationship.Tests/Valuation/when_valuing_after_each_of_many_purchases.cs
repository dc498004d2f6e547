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

        var ledger = CustomerLedger.Empty("c-1");
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
}
