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

    /// <summary>
    /// The ledger after one more touchpoint, or null where the summary cannot place it (a back-dated state change, or a
    /// purchase day, when the marks or <paramref name="purchaseDays"/> are not given): fold the stream then.
    /// </summary>
    /// <param name="purchaseDays">The UTC days of every purchase recorded into <paramref name="ledger"/>, when the caller keeps them:
    /// a purchase back-dated between the first and the day before the last is then placed, not refolded.</param>
    public static CustomerLedger? TryRecord(CustomerLedger ledger, ITouchpoint touchpoint, IReadOnlySet<DateOnly>? purchaseDays = null) =>
        ledger.TryRecord(touchpoint, ledger.OrderToLookUp(touchpoint) is null ? null : NotRead,
            purchaseDays is not null && ledger.PurchaseDayToLookUp(touchpoint) is { } day ? purchaseDays.Contains(day) : null);

    /// <summary>
    /// The same, told by the caller whether a purchase recorded into <paramref name="ledger"/> fell on the day
    /// <see cref="CustomerLedger.PurchaseDayToLookUp"/> names (null: not told, or not asked).
    /// </summary>
    /// <param name="marks">The state-changing touchpoints recorded into <paramref name="ledger"/>, at least those dated after this one,
    /// when the caller keeps them: a back-dated state change is then placed, not refolded (<see cref="CustomerLedger.MarksToLookUp"/>).</param>
    public static CustomerLedger? TryRecord(CustomerLedger ledger, ITouchpoint touchpoint, bool? boughtThatDay, StateMarks? marks = null) =>
        ledger.TryRecord(touchpoint, ledger.OrderToLookUp(touchpoint) is null ? null : NotRead, boughtThatDay, marks);
}
