using EventCrm.Projections.Values;
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
/// The look-ups a kept ledger moved on by the events after it needs, as the daemon's projection makes them
/// (<see cref="CustomerLedgerProjection"/>): each read from the stream only when a touchpoint first needs it, up to the
/// version before that touchpoint (types, times, ids and amounts, no payload deserialised), once per read, then moved on
/// with every touchpoint folded after it. A read of the customer's whole stream and a fold of it are what they spare.
/// </summary>
internal sealed class LaterLookups(string customerId)
{
    private FoldedOrders? _orders;
    private FoldedPurchaseDays? _days;
    private FoldedStateMarks? _marks;

    public LookedUp Read { get; private set; }

    /// <summary>What the stream before <paramref name="version"/> says of the order <paramref name="orderId"/>.</summary>
    public async Task<OrderHistory> OrderAsync(IQuerySession session, long version, string orderId, CancellationToken ct)
    {
        if (_orders is null)
        {
            _orders = await FoldedOrders.ReadAsync(session, customerId, version - 1, ct);
            Read |= LookedUp.Orders;
        }
        return _orders.HistoryOf(orderId);
    }

    /// <summary>Whether a purchase of the stream before <paramref name="version"/> fell on <paramref name="day"/>.</summary>
    public async Task<bool> BoughtOnAsync(IQuerySession session, long version, DateOnly day, CancellationToken ct)
    {
        if (_days is null)
        {
            _days = new FoldedPurchaseDays(customerId, version - 1);
            Read |= LookedUp.PurchaseDays;
        }
        return await _days.ContainAsync(session, day, ct);
    }

    /// <summary>The state-changing touchpoints of the stream before <paramref name="version"/>.</summary>
    public async Task<StateMarks> MarksAsync(IQuerySession session, long version, CancellationToken ct)
    {
        if (_marks is null)
        {
            _marks = await FoldedStateMarks.ReadAsync(session, customerId, version - 1, ct);
            Read |= LookedUp.StateMarks;
        }
        return await _marks.AfterAsync(session, DateTimeOffset.MinValue, ct);
    }

    /// <summary>One more touchpoint folded, in stream order: each look-up read so far moves on with it.</summary>
    public void Folded(ITouchpoint touchpoint)
    {
        _orders?.Add(touchpoint);
        _days?.Add(touchpoint);
        _marks?.Add(touchpoint);
    }
}
