using EventCrm.Relationship.Value;
using Marten;

namespace EventCrm.Projections.Values;

/// <summary>
/// The orders of the streams whose ledger the daemon had to place a refund of an order the stored summary does not keep
/// for, kept between events and pages (<see cref="KeptPerStream{T}"/>): asking the stream at each such refund read every
/// purchase and refund before it, and 3% refunds on a 149,000-event account crawled at about 70 events/s
/// (docs/performance.md). A stream's orders are read once (<see cref="FoldedOrders"/>). At most <see cref="MaxStreams"/>
/// streams and, when a stream is read, about <see cref="MaxOrders"/> orders in all (some 150 bytes each) are kept; past
/// either, the streams used least recently are let go first.
/// </summary>
public sealed class StreamOrders
{
    public const int MaxStreams = 256;
    public const int MaxOrders = 500_000;

    private readonly KeptPerStream<FoldedOrders> _kept = new(MaxStreams, FoldedOrders.ReadAsync, (orders, touchpoint) => orders.Add(touchpoint),
        weigh: orders => orders.Count, maxWeight: MaxOrders);

    /// <summary>What the stream says of <paramref name="orderId"/> before <paramref name="version"/>.</summary>
    public async Task<OrderHistory> HistoryBeforeAsync(IQuerySession session, string streamId, long version, string orderId, CancellationToken ct) =>
        (await _kept.BeforeAsync(session, streamId, version, ct)).HistoryOf(orderId);

    /// <summary>The daemon folded the event at <paramref name="version"/>.</summary>
    public void Folded(IQuerySession session, string streamId, long version, object data) => _kept.Folded(session, streamId, version, data);
}
