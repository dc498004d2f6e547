using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;

namespace EventCrm.Projections.Values;

/// <summary>
/// Each customer's ledger (historical value and everything value formulas measure), kept by the
/// async daemon for the portfolio analytics. It holds no formula result: formulas and the
/// portfolio model change without any customer event, so current and potential values are
/// computed from the ledger when read.
/// It stores the ledger's summary, not its lines, so that a page of the daemon reads and writes a
/// document whose size does not grow with the customer's touchpoints (a 50,000-touchpoint account
/// rewrote 2.8 MB per page). Where the summary cannot place a touchpoint (a back-dated one, a refund
/// of an order it does not know) the stream tells, read once and kept between pages: the order's lines (<see cref="StreamOrders"/>),
/// whether a purchase fell on a back-dated purchase's day (<see cref="StreamPurchaseDays"/>), or, for a back-dated state change,
/// the state-changing touchpoints dated after it (<see cref="StreamStateMarks"/>) (docs/design.md, "The ledger the daemon keeps").
/// </summary>
public partial class CustomerLedgerProjection : SingleStreamProjection<CustomerLedger, string>
{
    // Kept by the instance, across pages: what a purchase back-dated among the purchase days is placed from.
    private readonly StreamPurchaseDays _purchaseDays = new();
    // Kept the same way: what a refund of an order the summary does not keep is placed from.
    private readonly StreamOrders _orders = new();
    // Kept the same way: what a state change dated before the latest is placed from.
    private readonly StreamStateMarks _marks = new();

    public override async ValueTask<CustomerLedger?> EvolveAsync(CustomerLedger? snapshot, string id, IQuerySession session, IEvent e, CancellationToken cancellation)
    {
        try
        {
            if (e.Data is not ITouchpoint touchpoint) return snapshot;
            var ledger = snapshot ?? FoldedLedger.Empty(id);
            var order = ledger.OrderToLookUp(touchpoint) is { } orderId
                ? await _orders.HistoryBeforeAsync(session, id, e.Version, orderId, cancellation)
                : null;
            var bought = ledger.PurchaseDayToLookUp(touchpoint) is { } day
                ? await _purchaseDays.BoughtOnAsync(session, id, e.Version, day, cancellation)
                : (bool?)null;
            var marks = ledger.MarksToLookUp(touchpoint) ? await _marks.BeforeAsync(session, id, e.Version, cancellation) : null;
            var next = ledger.TryRecord(touchpoint, order, bought, marks) ?? await StreamLookups.FoldAsync(session, id, e.Version, cancellation);
            return next with { FoldedUpTo = e.Version };
        }
        finally
        {
            _purchaseDays.Folded(session, id, e.Version, e.Data);
            _orders.Folded(session, id, e.Version, e.Data);
            _marks.Folded(session, id, e.Version, e.Data);
        }
    }
}
