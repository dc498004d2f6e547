using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Relationship.Value;

/// <summary>
/// A ledger moved on for valuing only (value checkpoints, and the value reads that start from one):
/// every sum, date, purchase day and state the formulas read is moved on exactly as the stream's
/// fold moves them. Only the data-quality errors of refunds are not: a refund of an order the summary
/// does not keep would need the order's history read from the stream (a scan of the customer's events
/// per refund, about 60 ms at 50,000), and no formula reads those errors. Such a ledger is never
/// stored as the customer's <see cref="CustomerLedger"/> nor asked for <see cref="CustomerLedger.DataErrors"/>.
/// </summary>
public static class ValuationFold
{
    /// <summary>What a refund's order is taken to be when its history is not read: placed, and refunded no more than it brought.</summary>
    private static readonly OrderHistory NotRead = new(decimal.MaxValue, 0m, null);

    /// <summary>The ledger after one more touchpoint, or null where the summary cannot place it (a back-dated state change or purchase day): fold the stream then.</summary>
    public static CustomerLedger? TryRecord(CustomerLedger ledger, ITouchpoint touchpoint) =>
        ledger.TryRecord(touchpoint, ledger.OrderToLookUp(touchpoint) is null ? null : NotRead);
}
