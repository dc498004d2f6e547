using System.Collections.Concurrent;
using EventCrm.Projections.Values;
using EventCrm.Relationship.Value;
using EventCrm.Tests.Support;
using JasperFx.Events;
using Marten;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Values;

/// <summary>
/// A schema of its own holding one account standing for a large one, <see cref="Large"/> (versions in brackets): the signup
/// [1]; o-1 100 [2], o-2 200 [3]; a refund of 25 of o-1 [4]; o-3 50 [5]; o-1 30 more [6]; a refund of 40 of o-2 [7]; of 10
/// of o-1 [8]; of 50 of o-3 [9]. And <see cref="SmallCount"/> small ones, one more than <see cref="StreamOrders.MaxStreams"/>:
/// each a signup [1], o-1 20 [2] and a refund of 5 of it [3].
/// </summary>
public sealed class ManySmallAccountsHost() : SchemaHost("eventcrm_kept_per_stream")
{
    public const string Large = "b2b-kept-large";
    public const int SmallCount = StreamOrders.MaxStreams + 1;

    public static string Small(int i) => $"b2b-kept-small-{i:000}";

    protected override async Task SeedAsync()
    {
        List<Dictionary<string, object?>> touchpoints =
        [
            SignUp(Large, Jan1), Bought(Large, "o-1", 1, 100m), Bought(Large, "o-2", 2, 200m), Refund(Large, "o-1", 3, 25m),
            Bought(Large, "o-3", 4, 50m), Bought(Large, "o-1", 5, 30m), Refund(Large, "o-2", 6, 40m), Refund(Large, "o-1", 7, 10m),
            Refund(Large, "o-3", 8, 50m),
        ];
        for (var i = 0; i < SmallCount; i++) touchpoints.AddRange([SignUp(Small(i), Jan1), Bought(Small(i), "o-1", 1, 20m), Refund(Small(i), "o-1", 2, 5m)]);
        await Host.PostTouchpoints(touchpoints);
    }

    private static Dictionary<string, object?> Bought(string customerId, string orderId, double day, decimal amount)
    {
        var purchase = Purchase(customerId, Jan1.AddDays(day), amount, margin: amount / 4);
        purchase["orderId"] = orderId;
        return purchase;
    }

    private static Dictionary<string, object?> Refund(string customerId, string orderId, double day, decimal amount) =>
        Of("refund", customerId, Jan1.AddDays(day), new { orderId, amount, margin = amount / 4 });
}

/// <summary>
/// The orders the ledger daemon keeps per stream (<see cref="KeptPerStream{T}"/>, as <see cref="StreamOrders"/> keeps them)
/// through a real session, as a rebuild meets them: a large account kept and folded now and then, among more small accounts
/// needing a look-up than are kept. Past either bound the streams used least recently are let go, so the large account is
/// not read again (reading a 150,000-event account's orders costs some 0.2 s); letting everything go read it again.
/// </summary>
public class when_the_daemon_keeps_a_large_account_among_many_small_ones(ManySmallAccountsHost accounts)
    : IClassFixture<ManySmallAccountsHost>
{
    private const string Large = ManySmallAccountsHost.Large;
    private static string Small(int i) => ManySmallAccountsHost.Small(i);

    private readonly CountedReads _reads = new();

    [Fact]
    public async Task past_the_streams_bound_the_large_account_folded_now_and_then_stays_and_the_least_recently_used_goes()
    {
        var kept = new KeptPerStream<FoldedOrders>(StreamOrders.MaxStreams, _reads.ReadAsync, (orders, touchpoint) => orders.Add(touchpoint));
        await using var session = accounts.Store.QuerySession();
        var events = await EventsByStream(session);
        var ct = TestContext.Current.CancellationToken;

        // The large account's refund at [4] reads its orders up to [3]; then each small account's refund at [3] reads its own,
        // and the large account's events [5] to [8] are folded after every 64 small accounts.
        await kept.BeforeAsync(session, Large, 4, ct);
        kept.Folded(session, Large, 4, events[Large][3].Data);
        for (var i = 0; i < ManySmallAccountsHost.SmallCount; i++)
        {
            await kept.BeforeAsync(session, Small(i), 3, ct);
            kept.Folded(session, Small(i), 3, events[Small(i)][2].Data);
            if (i % 64 == 63) kept.Folded(session, Large, 5 + i / 64, events[Large][4 + i / 64].Data);
        }
        var large = await kept.BeforeAsync(session, Large, 9, ct);

        // 256 kept at most: the large one and small 0 to 254 fill them; small 255 lets go of small 0, used least recently
        // (the large one was folded after small 63, 127 and 191), and small 256 of small 1. The large one is read once.
        _reads.Of(Large).ShouldBe(1);
        // Its orders moved on to [8]: o-1 100 + 30 = 130, refunded 25 + 10 = 35, by the first refund (index 0); o-3 50, not yet refunded.
        large.HistoryOf("o-1").ShouldBe(new OrderHistory(130m, 35m, 0));
        large.HistoryOf("o-3").ShouldBe(new OrderHistory(50m, 0m, null));
        (await kept.BeforeAsync(session, Small(256), 4, ct)).HistoryOf("o-1").ShouldBe(new OrderHistory(20m, 5m, 0));
        await kept.BeforeAsync(session, Small(2), 4, ct);
        _reads.Of(Small(256)).ShouldBe(1);
        _reads.Of(Small(2)).ShouldBe(1);
        await kept.BeforeAsync(session, Small(0), 4, ct);
        _reads.Of(Small(0)).ShouldBe(2);
    }

    [Fact]
    public async Task past_the_weight_bound_the_least_recently_used_goes_first()
    {
        // Four orders in all: the large account's three (o-1, o-2, o-3 once [5] is folded) and one small account's one.
        var kept = new KeptPerStream<FoldedOrders>(StreamOrders.MaxStreams, _reads.ReadAsync, (orders, touchpoint) => orders.Add(touchpoint),
            weigh: orders => orders.Count, maxWeight: 4);
        await using var session = accounts.Store.QuerySession();
        var events = await EventsByStream(session);
        var ct = TestContext.Current.CancellationToken;

        await kept.BeforeAsync(session, Large, 4, ct); // o-1, o-2: 2 orders
        kept.Folded(session, Large, 4, events[Large][3].Data);
        await kept.BeforeAsync(session, Small(0), 3, ct); // + o-1 of small 0: 3
        kept.Folded(session, Small(0), 3, events[Small(0)][2].Data);
        kept.Folded(session, Large, 5, events[Large][4].Data); // + o-3 of the large one: 4, small 0 now used least recently
        await kept.BeforeAsync(session, Small(1), 3, ct); // + o-1 of small 1: 5 > 4, small 0 goes: 4

        (await kept.BeforeAsync(session, Large, 6, ct)).Count.ShouldBe(3);
        _reads.Of(Large).ShouldBe(1);
        await kept.BeforeAsync(session, Small(1), 3, ct);
        _reads.Of(Small(1)).ShouldBe(1);
        await kept.BeforeAsync(session, Small(0), 4, ct);
        _reads.Of(Small(0)).ShouldBe(2);
    }

    private static async Task<Dictionary<string, IReadOnlyList<IEvent>>> EventsByStream(IQuerySession session)
    {
        var all = await session.Events.QueryAllRawEvents().ToListAsync(TestContext.Current.CancellationToken);
        return all.GroupBy(e => e.StreamKey!).ToDictionary(g => g.Key, g => (IReadOnlyList<IEvent>)g.OrderBy(e => e.Version).ToList());
    }

    /// <summary>The stream's orders read as the daemon reads them, counted per stream.</summary>
    private sealed class CountedReads
    {
        private readonly ConcurrentDictionary<string, int> _reads = new();

        public Task<FoldedOrders> ReadAsync(IQuerySession session, string streamId, long upTo, CancellationToken ct)
        {
            _reads.AddOrUpdate(streamId, 1, (_, n) => n + 1);
            return FoldedOrders.ReadAsync(session, streamId, upTo, ct);
        }

        public int Of(string streamId) => _reads.GetValueOrDefault(streamId);
    }
}
