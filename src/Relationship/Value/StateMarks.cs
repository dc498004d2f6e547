using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Relationship.Value;

/// <summary>
/// The state-changing touchpoints of a stretch of a customer's history, in business order, kept so that one dated before
/// the latest (a back-dated churn, cancellation request, answered offer...) moves a ledger summary's state changes on
/// without the customer's other touchpoints: the summary's changes up to its business time stay as they are, and those
/// after it are replayed from the marks dated after it (docs/design.md, "The ledger the daemon keeps").
/// A purchase changes the state only where it finds no state, a prospect or a churned client, so a purchase is kept as
/// its business time and place alone, and a replay visits only the first purchase after each other mark that leaves the
/// client without a customer's state: a replay costs the other marks after the time, not the purchases.
/// </summary>
public sealed class StateMarks
{
    private readonly record struct Bought(DateTimeOffset At, long Order);

    // Each sorted by business time, then by place among the touchpoints (the order Lifecycle.Replay folds them in).
    private readonly List<StateMark> _others = [];
    private readonly List<Bought> _purchases = [];

    public int Count => _others.Count + _purchases.Count;

    /// <summary>A touchpoint of <paramref name="type"/> at <paramref name="order"/> (its place among the touchpoints); one that cannot change the state is not kept.</summary>
    public void Add(DateTimeOffset at, long order, string type)
    {
        if (!Lifecycle.Lifecycle.CanChangeState(type)) return;
        if (type == TouchpointTypes.Purchase) Insert(_purchases, new Bought(at, order), b => (b.At, b.Order));
        else Insert(_others, new StateMark(at, order, type), m => (m.At, m.Order));
    }

    /// <summary>
    /// The state changes, and the places of the touchpoints that made them, of <paramref name="summary"/> after a
    /// touchpoint of <paramref name="type"/> at <paramref name="at"/>, recorded after every mark kept (its place
    /// <paramref name="order"/> is the highest): what <see cref="FoldedLedger.StateChanges"/> folds from all the marks.
    /// Every mark dated after <paramref name="at"/> must be kept; those dated earlier are read from the summary.
    /// </summary>
    public (IReadOnlyList<StateChange> Changes, IReadOnlyList<long> Orders) After(LedgerSummary summary, DateTimeOffset at, long order, string type)
    {
        // Recorded last, the touchpoint sorts after every mark of its business time or earlier: those changes stay.
        var kept = summary.StateChanges.Count;
        while (kept > 0 && summary.StateChanges[kept - 1].At > at) kept--;
        var changes = summary.StateChanges.Take(kept).ToList();
        var orders = summary.ChangeOrders.Take(kept).ToList();
        var state = kept > 0 ? changes[^1].State : null;

        Step(at, order, type);
        var (next, purchase) = (FirstAfter(_others, m => (m.At, m.Order), (at, order)), FirstAfter(_purchases, b => (b.At, b.Order), (at, order)));
        while (true)
        {
            var mark = next < _others.Count ? _others[next] : null;
            // Of the purchases before the next mark, only the first can change the state, and only from none, a prospect or a churned client.
            if ((state is null or CustomerStates.Prospect or CustomerStates.Churned) && purchase < _purchases.Count
                && (mark is null || Compare((_purchases[purchase].At, _purchases[purchase].Order), (mark.At, mark.Order)) < 0))
                Step(_purchases[purchase].At, _purchases[purchase].Order, TouchpointTypes.Purchase);
            if (mark is null) break;
            Step(mark.At, mark.Order, mark.Type);
            next++;
            purchase = FirstAfter(_purchases, b => (b.At, b.Order), (mark.At, mark.Order), from: purchase);
        }
        return (changes, orders);

        // As FoldedLedger.StateChanges and LedgerSummary.ChangeOrdersOf: a change where the state differs from the last one.
        void Step(DateTimeOffset markAt, long markOrder, string markType)
        {
            var after = Lifecycle.Lifecycle.Next(state, markType) ?? CustomerStates.Prospect;
            if (changes.Count == 0 || changes[^1].State != after)
            {
                changes.Add(new StateChange(markAt, after));
                orders.Add(markOrder);
            }
            state = after;
        }
    }

    private static int Compare((DateTimeOffset At, long Order) a, (DateTimeOffset At, long Order) b) =>
        a.At.CompareTo(b.At) is var byTime and not 0 ? byTime : a.Order.CompareTo(b.Order);

    /// <summary>The index of the first item sorting after <paramref name="key"/> (from <paramref name="from"/> on).</summary>
    private static int FirstAfter<T>(List<T> items, Func<T, (DateTimeOffset, long)> keyOf, (DateTimeOffset, long) key, int from = 0)
    {
        var (low, high) = (from, items.Count);
        while (low < high)
        {
            var middle = low + (high - low) / 2;
            if (Compare(keyOf(items[middle]), key) <= 0) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    // Most touchpoints come in business order: appended. A back-dated one is inserted in its place.
    private static void Insert<T>(List<T> items, T item, Func<T, (DateTimeOffset, long)> keyOf)
    {
        var key = keyOf(item);
        if (items.Count == 0 || Compare(keyOf(items[^1]), key) <= 0) items.Add(item);
        else items.Insert(FirstAfter(items, keyOf, key), item);
    }
}
