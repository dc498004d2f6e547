using System.Collections.Concurrent;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using Marten;

namespace EventCrm.Projections.Values;

/// <summary>
/// The orders of the streams whose ledger the daemon had to place a refund of an order the stored summary does not keep
/// for, kept between events and pages (the pattern of <see cref="StreamPurchaseDays"/>): asking the stream at each such
/// refund read every purchase and refund before it, and 3% refunds on a 149,000-event account crawled at about 70
/// events/s (docs/performance.md). A stream's orders are read once (<see cref="FoldedOrders"/>) and then moved on with each
/// of its events the daemon folds. They are facts of the stream up to a version, never of a projection's state, so they
/// hold for a rebuild too; they are used only for the event right after that version (any other, a page retried or a
/// rebuild starting over, drops them and reads again). At most <see cref="MaxStreams"/> streams and, when a stream is
/// read, about <see cref="MaxOrders"/> orders in all (some 150 bytes each) are kept.
/// </summary>
public sealed class StreamOrders
{
    public const int MaxStreams = 256;
    public const int MaxOrders = 500_000;

    private sealed class Kept(FoldedOrders orders, long upTo)
    {
        public readonly FoldedOrders Orders = orders;
        public long UpTo = upTo;
    }

    private readonly ConcurrentDictionary<(string Tenant, string Stream), Kept> _kept = new();

    /// <summary>What the stream says of <paramref name="orderId"/> before <paramref name="version"/>.</summary>
    public async Task<OrderHistory> HistoryBeforeAsync(IQuerySession session, string streamId, long version, string orderId, CancellationToken ct)
    {
        var key = (session.TenantId, streamId);
        if (!_kept.TryGetValue(key, out var kept) || kept.UpTo != version - 1)
        {
            var orders = await FoldedOrders.ReadAsync(session, streamId, version - 1, ct);
            if (_kept.Count >= MaxStreams || _kept.Values.Sum(k => k.Orders.Count) + orders.Count > MaxOrders) _kept.Clear();
            kept = _kept[key] = new Kept(orders, version - 1);
        }
        return kept.Orders.HistoryOf(orderId);
    }

    /// <summary>The daemon folded the event at <paramref name="version"/>: the stream's orders, if kept, move on with it (or are dropped, out of step).</summary>
    public void Folded(IQuerySession session, string streamId, long version, object data)
    {
        var key = (session.TenantId, streamId);
        if (!_kept.TryGetValue(key, out var kept)) return;
        if (kept.UpTo != version - 1)
        {
            _kept.TryRemove(key, out _);
            return;
        }
        if (data is ITouchpoint touchpoint) kept.Orders.Add(touchpoint);
        kept.UpTo = version;
    }
}
