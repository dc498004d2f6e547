using EventCrm.Relationship.Value;
using Shouldly;
using static EventCrm.Relationship.Tests.Valuation.Touchpoint;

namespace EventCrm.Relationship.Tests.Valuation;

// A ledger's purchases grow in a buffer shared with the ledgers before it; recording on an older
// ledger must never show up in a newer one, nor the other way round.
public class when_ledgers_share_their_purchases
{
    [Fact]
    public void recording_on_an_older_ledger_leaves_the_newer_one_as_it_was()
    {
        var signedUp = Ledger(SignUp(Day(0)), Purchase(Day(1), 100m, 30m, orderId: "o-1"));
        var thenRollers = signedUp.Record(Purchase(Day(2), 200m, 60m, orderId: "o-2"));
        var thenMovers = signedUp.Record(Purchase(Day(2), 50m, 10m, "movers", orderId: "o-3"));

        signedUp.Purchases.Select(p => p.OrderId).ShouldBe(["o-1"]);
        thenRollers.Purchases.Select(p => p.OrderId).ShouldBe(["o-1", "o-2"]);
        thenMovers.Purchases.Select(p => p.OrderId).ShouldBe(["o-1", "o-3"]);
        thenRollers.Historical.Revenue.ShouldBe(300m);
        thenMovers.Historical.Revenue.ShouldBe(150m);
        thenRollers.Record(Purchase(Day(3), 1m, 0m, orderId: "o-4")).Purchases.Count.ShouldBe(3);
        thenMovers.Purchases[1].OrderId.ShouldBe("o-3");
        Should.Throw<ArgumentOutOfRangeException>(() => signedUp.Purchases[1]);
    }

    [Fact]
    public void ledgers_growing_from_one_ledger_on_many_threads_each_keep_their_own_purchases()
    {
        var start = Ledger(SignUp(Day(0)), Purchase(Day(1), 100m, 30m, orderId: "o-0"));
        var grown = new FoldedLedger[8];
        Parallel.For(0, grown.Length, t =>
        {
            var ledger = start;
            for (var k = 1; k <= 200; k++) ledger = ledger.Record(Purchase(Day(1 + k), k, 0m, orderId: $"t{t}-{k}"));
            grown[t] = ledger;
        });

        for (var t = 0; t < grown.Length; t++)
        {
            grown[t].Purchases.Select(p => p.OrderId).ShouldBe(["o-0", .. Enumerable.Range(1, 200).Select(k => $"t{t}-{k}")]);
            grown[t].Historical.Revenue.ShouldBe(100m + 200 * 201 / 2); // 100 + (1 + ... + 200)
        }
        start.Purchases.Count.ShouldBe(1);
    }
}
