using EventCrm.Projections.Values;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using EventCrm.Tests.Support;
using Marten;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Values;

/// <summary>
/// A schema of its own whose daemon folds two events a page, so that a refund and the lines of its order lie on
/// different pages. <see cref="Customer"/>'s history (versions in brackets), posted in three batches with the daemon caught
/// up between them, the second interleaved with <see cref="Other"/>, whose order "o-1" is another customer's:
/// the signup [1]; o-1 100, o-2 200, o-3 50 [2-4]; a refund of 25 of o-1 [5];
/// then 150 of o-2 [6], o-4 80 back-dated before o-1 [7], 75 of o-1 [8], 100 of o-2 [9], 30 of o-4 back-dated before its purchase
/// [10], 40 of o-9, never placed [11]; then o-5 60 [12] and o-5 60 again, back-dated [13], 100 of o-5 [14], 60 of o-4 [15],
/// 50 of o-3 [16]. The summary keeps no order until it is in error (o-2 at [9], o-4 at [15], o-9 at [11]), so every refund
/// is placed from the orders the projection knows of the stream: read from it at the first, then kept.
/// </summary>
public sealed class RefundedOrdersHost() : SchemaHost("eventcrm_refunded_orders_ledger",
    ("Marten:DaemonPageSize", "2"), ("Marten:DaemonCatchUpPageSize", "2"))
{
    public const string Customer = "b2b-refunded-orders";
    public const string Other = "b2b-refunded-orders-other";

    protected override async Task SeedAsync()
    {
        await Post([SignUp(Customer, Jan1), Bought("o-1", 1, 100m), Bought("o-2", 2, 200m), Bought("o-3", 3, 50m), Refund("o-1", 4, 25m)]);
        await Post([
            Refund("o-2", 5, 150m), SignUp(Other, Jan1), Bought("o-4", 0.5, 80m), Same(Purchase(Other, Jan1.AddDays(1)), "o-1"),
            Refund("o-1", 6, 75m), Refund("o-2", 7, 100m), Of("refund", Other, Jan1.AddDays(2), new { orderId = "o-1", amount = 10m, margin = 3m }),
            Refund("o-4", 0.75, 30m), Refund("o-9", 8, 40m),
        ]);
        await Post([Bought("o-5", 9, 60m), Bought("o-5", 2.5, 60m), Refund("o-5", 10, 100m), Refund("o-4", 11, 60m), Refund("o-3", 12, 50m)]);
    }

    private static Dictionary<string, object?> Bought(string orderId, double day, decimal amount) =>
        Same(Purchase(Customer, Jan1.AddDays(day), amount, margin: amount / 4), orderId);

    private static Dictionary<string, object?> Same(Dictionary<string, object?> purchase, string orderId)
    {
        purchase["orderId"] = orderId;
        return purchase;
    }

    private static Dictionary<string, object?> Refund(string orderId, double day, decimal amount) =>
        Of("refund", Customer, Jan1.AddDays(day), new { orderId, amount, margin = amount / 4 });

    private async Task Post(Dictionary<string, object?>[] touchpoints)
    {
        await Host.PostTouchpoints(touchpoints);
        await Store.CatchUp();
    }
}

/// <summary>
/// Refunds of orders the stored ledger's summary does not keep are placed from the orders the projection keeps for the
/// stream between pages (<see cref="StreamOrders"/>; docs/design.md, "The ledger the daemon keeps"): partial refunds, several
/// refunds of one order, an order and a refund back-dated, an order of two lines, a refund never ordered, across pages
/// and batches. The daemon's ledger is the whole stream's, to the byte, and its orders in error those counted here by hand.
/// </summary>
public class when_the_daemon_meets_refunds_of_orders_its_ledger_does_not_keep(RefundedOrdersHost account)
    : IClassFixture<RefundedOrdersHost>
{
    [Fact]
    public async Task the_orders_in_error_are_those_refunded_beyond_their_lines_or_never_placed()
    {
        var ledger = await Kept(RefundedOrdersHost.Customer);

        ledger.Summary.RefundCount.ShouldBe(9);
        // o-1: 25 + 75 of 100; o-3: 50 of 50; o-5: 100 of 60 + 60: none in error.
        // o-2: 150 + 100 of 200, first refunded second (index 1); o-4: 30 + 60 of 80, fifth (4); o-9: 40, never placed, sixth (5).
        ledger.Summary.RefundedOrders.ShouldBe([new RefundedOrder("o-2", 200m, 250m, 1), new RefundedOrder("o-4", 80m, 90m, 4), new RefundedOrder("o-9", null, 40m, 5)]);
    }

    [Fact]
    public async Task another_customer_s_order_of_the_same_id_is_its_own()
    {
        var ledger = await Kept(RefundedOrdersHost.Other);

        ledger.Summary.RefundCount.ShouldBe(1);
        ledger.Summary.RefundedOrders.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(RefundedOrdersHost.Customer, 16)]
    [InlineData(RefundedOrdersHost.Other, 3)]
    public async Task the_kept_ledger_is_the_whole_stream_s(string customer, long version)
    {
        var kept = await Kept(customer);
        await using var session = account.Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(customer);

        kept.FoldedUpTo.ShouldBe(version);
        var wholeStream = FoldedLedger.Of(customer, events.Select(e => e.Data).OfType<ITouchpoint>()).AsStored() with { FoldedUpTo = version };
        var serializer = account.Store.Options.Serializer();
        serializer.ToJson(kept).ShouldBe(serializer.ToJson(wholeStream));
    }

    private async Task<CustomerLedger> Kept(string customer)
    {
        await using var session = account.Store.QuerySession();
        return (await session.LoadAsync<CustomerLedger>(customer)).ShouldNotBeNull();
    }
}
