using EventCrm.Host.Values;
using EventCrm.Projections.Values;
using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using Marten;

namespace EventCrm.Host.Customers;

/// <summary>What the stream says and a stored ledger's summary does not keep, as the events after the ledger need it.</summary>
[Flags]
public enum LookedUp
{
    Nothing = 0,
    /// <summary>The orders: a refund of an order the summary does not keep (<see cref="FoldedOrders"/>).</summary>
    Orders = 1,
    /// <summary>The purchase days: a purchase back-dated among them (<see cref="FoldedPurchaseDays"/>).</summary>
    PurchaseDays = 2,
    /// <summary>The state-changing touchpoints: a state change dated before the latest one (<see cref="FoldedStateMarks"/>).</summary>
    StateMarks = 4,
}

/// <summary>
/// The look-ups a kept ledger moved on by the events after it needs, as the daemon's projection and the value checkpoints'
/// reads make them: each read from the stream only when a touchpoint first needs it, up to the version before that
/// touchpoint, once per read, then moved on with every touchpoint folded after it; no payload is deserialised. The orders
/// are those the later refunds name, filtered by the database (<see cref="FoldedOrders"/>); the purchase days and the
/// state-changing touchpoints are read, where the customer has value checkpoints, only from the stretches that may hold a
/// back-dated purchase's day and from the last checkpoint dated no later than a back-dated state change
/// (<see cref="FoldedPurchaseDays"/>, <see cref="FoldedStateMarks"/>, as <see cref="CheckpointedLedger"/> reads them).
/// A read of the customer's whole stream and a fold of it are what they spare.
/// </summary>
internal sealed class LaterLookups(string customerId, IReadOnlyList<RecordedTouchpoint> later)
{
    private List<CheckpointedLedger.Mark>? _checkpoints;
    private FoldedOrders? _orders;
    private FoldedPurchaseDays? _days;
    private FoldedStateMarks? _marks;
    private DateTimeOffset? _earliest;

    public LookedUp Read { get; private set; }

    /// <summary>What the stream before <paramref name="version"/>, folded into <paramref name="ledger"/>, says of the order <paramref name="orderId"/>.</summary>
    public async Task<OrderHistory> OrderAsync(IQuerySession session, CustomerLedger ledger, long version, string orderId, CancellationToken ct)
    {
        if (_orders is null)
        {
            // Every order a later refund names: those refunded before this one are read as the stream had them before it too.
            var named = later.Select(r => r.Touchpoint).OfType<PurchaseRefunded>().Select(r => r.OrderId).ToHashSet(StringComparer.Ordinal);
            _orders = await FoldedOrders.ReadAsync(session, customerId, version - 1, named, ledger.Summary.RefundCount, ct);
            Read |= LookedUp.Orders;
        }
        return _orders.HistoryOf(orderId);
    }

    /// <summary>Whether a purchase of the stream before <paramref name="version"/> fell on <paramref name="day"/>.</summary>
    public async Task<bool> BoughtOnAsync(IQuerySession session, long version, DateOnly day, CancellationToken ct)
    {
        if (_days is null)
        {
            _days = new FoldedPurchaseDays(customerId, version - 1, [.. (await CheckpointsAsync(session, ct)).Select(CheckpointedLedger.Stretch)]);
            Read |= LookedUp.PurchaseDays;
        }
        return await _days.ContainAsync(session, day, ct);
    }

    /// <summary>The state-changing touchpoints of the stream before <paramref name="version"/> (folded into <paramref name="ledger"/>), at least those dated after <paramref name="at"/>.</summary>
    public async Task<StateMarks> MarksAsync(IQuerySession session, CustomerLedger ledger, long version, DateTimeOffset at, CancellationToken ct)
    {
        if (_marks is null)
        {
            _marks = new FoldedStateMarks(customerId, version - 1, ledger.Touchpoints, [.. (await CheckpointsAsync(session, ct)).Select(CheckpointedLedger.Point)]);
            Read |= LookedUp.StateMarks;
        }
        // Asked first for the earliest state change among the later touchpoints (a purchase needs the marks only where one of
        // them, or the history, left the client churned): the marks are then read in one pass, in stream order. Asked again and
        // again for earlier times, each earlier stretch would be inserted before the marks already kept (a block of 100
        // back-dated churns of a 50,000-event account took 0.5-0.8 s so).
        _earliest ??= later.Where(r => Lifecycle.CanChangeState(r.TypeName) && r.TypeName != TouchpointTypes.Purchase)
            .Select(r => r.Touchpoint.OccurredAt).Append(at).Min();
        return await _marks.AfterAsync(session, at < _earliest ? at : _earliest.Value, ct);
    }

    /// <summary>One more touchpoint folded, in stream order: each look-up read so far moves on with it.</summary>
    public void Folded(ITouchpoint touchpoint)
    {
        _orders?.Add(touchpoint);
        _days?.Add(touchpoint);
        _marks?.Add(touchpoint);
    }

    // The value checkpoints as stored (none written here): without them, the days and marks up to the version are read whole.
    private async Task<List<CheckpointedLedger.Mark>> CheckpointsAsync(IQuerySession session, CancellationToken ct) =>
        _checkpoints ??= await CheckpointedLedger.StoredMarksAsync(session, customerId, ct);
}
