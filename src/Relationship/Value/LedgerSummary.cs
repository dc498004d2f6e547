using EventCrm.Relationship.Lifecycle;

namespace EventCrm.Relationship.Value;

/// <summary>
/// An order whose refunds are a data error: what its purchase lines add up to (null: none, it was never
/// placed) and its refunds; <see cref="FirstRefund"/> counts the customer's refunds before its first one.
/// </summary>
public sealed record RefundedOrder(string OrderId, decimal? Ordered, decimal Refunded, int FirstRefund)
{
    public bool IsError => Ordered is not { } ordered || Refunded > ordered;
}

/// <summary>
/// What the stream says of an order before a refund of it: what its purchase lines add up to (null:
/// none), what it was refunded already, and how many of the customer's refunds came before its first
/// refund (null: this is its first).
/// </summary>
public sealed record OrderHistory(decimal? Ordered, decimal Refunded, int? FirstRefund);

/// <summary>
/// The purchase days BG/NBD needs, as <see cref="PurchaseOccasions"/>, with the sums of the first day
/// and of the day before the last, so that a purchase back-dated to one of those days, or before the
/// first, still moves them on without the other days (docs/design.md, "The ledger the daemon keeps").
/// </summary>
public sealed record OccasionSummary(PurchaseOccasions Occasions, decimal FirstDay, DateOnly? PreviousDay, decimal PreviousDaySum)
{
    public static OccasionSummary? Of(IEnumerable<PurchaseLine> purchases)
    {
        var days = new SortedDictionary<DateOnly, decimal>();
        foreach (var p in purchases) days[PurchaseOccasions.DayOf(p.At)] = days.GetValueOrDefault(PurchaseOccasions.DayOf(p.At)) + p.Amount;
        if (PurchaseOccasions.Of(purchases) is not { } occasions) return null;
        var previous = days.Count > 1 ? days.Reverse().Skip(1).First() : (KeyValuePair<DateOnly, decimal>?)null;
        return new(occasions, days.Values.First(), previous?.Key, previous?.Value ?? 0m);
    }

    /// <summary>
    /// After one more purchase. On a day after the first and before the day before the last, which of those days hold
    /// purchases is not kept: <paramref name="boughtThatDay"/> says whether that day already held one (the caller asks the
    /// purchases before it, <see cref="DayToLookUp"/>); null when not said.
    /// </summary>
    public static OccasionSummary? After(OccasionSummary? before, DateTimeOffset at, decimal amount, bool? boughtThatDay = null)
    {
        var day = PurchaseOccasions.DayOf(at);
        if (before is not { Occasions: var o } s) return new(PurchaseOccasions.FirstOn(at, amount), 0m + amount, null, 0m);
        if (day == o.Last)
            return s with { Occasions = o with { LastDay = o.LastDay + amount }, FirstDay = o.Days == 1 ? s.FirstDay + amount : s.FirstDay };
        if (day > o.Last)
            return new(o.After(at, amount)!, s.FirstDay, o.Last, o.LastDay);
        if (day == s.PreviousDay)
            return s with
            {
                Occasions = o with { EarlierRepeats = o.Days > 2 ? o.EarlierRepeats + amount : o.EarlierRepeats },
                FirstDay = o.Days == 2 ? s.FirstDay + amount : s.FirstDay, PreviousDaySum = s.PreviousDaySum + amount,
            };
        if (day == o.First) return s with { FirstDay = s.FirstDay + amount };
        // No day lies between the day before the last and the last: one there is a new one.
        if (day > s.PreviousDay)
            return new(o with { Days = o.Days + 1, EarlierRepeats = o.EarlierRepeats + amount }, s.FirstDay, day, 0m + amount);
        // Between the first day and the day before the last: a repeat day either way, a new one only if nothing was bought on it.
        if (day > o.First)
            return boughtThatDay is not { } bought ? null
                : s with { Occasions = o with { Days = bought ? o.Days : o.Days + 1, EarlierRepeats = o.EarlierRepeats + amount } };
        // A new first day: the former first becomes a repeat.
        return o.Days == 1
            ? new(o with { First = day, Days = 2 }, 0m + amount, day, 0m + amount)
            : new(o with { First = day, Days = o.Days + 1, EarlierRepeats = o.EarlierRepeats + s.FirstDay }, 0m + amount,
                o.Days == 2 ? o.First : s.PreviousDay, o.Days == 2 ? s.FirstDay : s.PreviousDaySum);
    }

    /// <summary>The UTC day of a purchase at <paramref name="at"/> whose place needs to know whether that day held a purchase already: one after the first day and before the day before the last; else null.</summary>
    public DateOnly? DayToLookUp(DateTimeOffset at) =>
        PurchaseOccasions.DayOf(at) is var day && day > Occasions.First && PreviousDay is { } previous && day < previous ? day : null;

    /// <summary>
    /// The occasions by the end of <paramref name="end"/> when the last day is after it (a purchase dated
    /// minutes ahead, past midnight UTC): the days but the last; null when the day before the last is after it too.
    /// </summary>
    public (PurchaseHistory History, decimal? MeanRepeatValue)? WithoutLastDay(DateOnly end, double daysPerWeek)
    {
        var o = Occasions;
        if (o.Days == 1) return (new PurchaseHistory(0, 0, 0), null);
        if (PreviousDay is not { } last || last > end) return null;
        var days = o.Days - 1;
        return (new PurchaseHistory(days - 1, (last.DayNumber - o.First.DayNumber) / daysPerWeek, (end.DayNumber - o.First.DayNumber) / daysPerWeek),
            days > 1 ? o.EarlierRepeats / (days - 1) : null);
    }
}

/// <summary>
/// What the portfolio routes and every value formula read from a ledger, in a size that does not grow
/// with the customer's touchpoints: counts, the first purchase, the categories bought, the purchase
/// occasions, the state's changes and the refunded orders. The async projection stores this in place
/// of the purchase lines and marks (docs/design.md, "The ledger the daemon keeps").
/// </summary>
public sealed record LedgerSummary
{
    public int PurchaseCount { get; init; }
    public DateTimeOffset? FirstPurchaseAt { get; init; }
    public IReadOnlyList<string> Categories { get; init; } = [];
    public OccasionSummary? Occasions { get; init; }
    public IReadOnlyList<StateChange> StateChanges { get; init; } = [];
    /// <summary>For each state change, the place in the stream (among the touchpoints, from 0) of the touchpoint that made it: a timeline page starts from it.</summary>
    public IReadOnlyList<long> ChangeOrders { get; init; } = [];
    /// <summary>The latest business time of a state-changing touchpoint: one dated after it moves the state on.</summary>
    public DateTimeOffset? LatestMarkAt { get; init; }
    public int RefundCount { get; init; }
    /// <summary>
    /// The orders whose refunds are a data error (never placed, or refunded beyond their amount), in the
    /// order of their first refund, as the data errors list them. The others are not kept: a refund of
    /// one reads the order's history from the stream.
    /// </summary>
    public IReadOnlyList<RefundedOrder> RefundedOrders { get; init; } = [];

    public static LedgerSummary Of(FoldedLedger ledger)
    {
        var ordered = ledger.Refunds.Count == 0 ? [] : ledger.Purchases.GroupBy(p => p.OrderId).ToDictionary(g => g.Key, g => g.Sum(p => p.Amount));
        return Of(ledger, ordered);
    }

    private static LedgerSummary Of(FoldedLedger ledger, Dictionary<string, decimal> ordered) => new()
    {
        PurchaseCount = ledger.Purchases.Count,
        FirstPurchaseAt = ledger.Purchases.MinBy(p => p.At)?.At,
        Categories = ledger.Purchases.Select(p => p.Category).Distinct().Order(StringComparer.Ordinal).ToList(),
        Occasions = OccasionSummary.Of(ledger.Purchases),
        StateChanges = ledger.StateChanges(),
        ChangeOrders = ChangeOrdersOf(ledger.Marks),
        LatestMarkAt = ledger.Marks.Count == 0 ? null : ledger.Marks.MaxBy(m => m.At)!.At,
        RefundCount = ledger.Refunds.Count,
        RefundedOrders = ledger.Refunds.Select((refund, index) => (refund, index)).GroupBy(r => r.refund.OrderId)
            .Select(refunds => new RefundedOrder(refunds.Key, ordered.TryGetValue(refunds.Key, out var amount) ? amount : null,
                refunds.Sum(r => r.refund.Amount), refunds.First().index))
            .Where(order => order.IsError)
            .ToList(),
    };

    public string State() => StateChanges.Count > 0 ? StateChanges[^1].State : CustomerStates.Prospect;

    public bool KnowsOrder(string orderId) => RefundedOrders.Any(o => o.OrderId == orderId);

    /// <summary>
    /// After a purchase; null when the summary cannot tell (a back-dated purchase it has not kept enough to place).
    /// <paramref name="boughtThatDay"/>: whether a purchase before it fell on its UTC day, where the occasions need it (<see cref="OccasionSummary.DayToLookUp"/>).
    /// </summary>
    /// <paramref name="marks"/>: the marks dated after it, where the state needs them (<see cref="NeedsMarks"/>).
    public LedgerSummary? AfterPurchase(DateTimeOffset at, long order, string orderId, decimal amount, string category, bool? boughtThatDay = null,
        StateMarks? marks = null)
    {
        if (StateAfterMark(at, order, Touchpoints.TouchpointTypes.Purchase, marks) is not var (changes, orders)) return null;
        if (OccasionSummary.After(Occasions, at, amount, boughtThatDay) is not { } occasions) return null;
        return this with
        {
            PurchaseCount = PurchaseCount + 1,
            FirstPurchaseAt = FirstPurchaseAt is { } first && first <= at ? first : at,
            Categories = Categories.Contains(category) ? Categories : [.. Categories.Append(category).Order(StringComparer.Ordinal)],
            Occasions = occasions,
            StateChanges = changes, ChangeOrders = orders,
            LatestMarkAt = Later(LatestMarkAt, at),
            // An order bought again may no longer be refunded beyond its amount.
            RefundedOrders = KnowsOrder(orderId)
                ? RefundedOrders.Select(o => o.OrderId == orderId ? o with { Ordered = (o.Ordered ?? 0m) + amount } : o).Where(o => o.IsError).ToList()
                : RefundedOrders,
        };
    }

    /// <summary>After a refund; <paramref name="history"/> is the stream's word on an order the summary does not keep (null when it keeps it).</summary>
    public LedgerSummary AfterRefund(string orderId, decimal amount, OrderHistory? history)
    {
        var orders = RefundedOrders.Where(o => o.OrderId != orderId).ToList();
        var order = RefundedOrders.FirstOrDefault(o => o.OrderId == orderId) is { } kept
            ? kept with { Refunded = kept.Refunded + amount }
            : new RefundedOrder(orderId, history!.Ordered, history.Refunded + amount, history.FirstRefund ?? RefundCount);
        if (order.IsError) orders.Insert(orders.FindIndex(o => o.FirstRefund > order.FirstRefund) is var at and >= 0 ? at : orders.Count, order);
        return this with { RefundCount = RefundCount + 1, RefundedOrders = orders };
    }

    /// <summary>
    /// After a state-changing touchpoint other than a purchase; dated before the latest one, it is placed from
    /// <paramref name="marks"/> (null when not given).
    /// </summary>
    public LedgerSummary? AfterMark(DateTimeOffset at, long order, string type, StateMarks? marks = null) =>
        StateAfterMark(at, order, type, marks) is var (changes, orders)
            ? this with { StateChanges = changes, ChangeOrders = orders, LatestMarkAt = Later(LatestMarkAt, at) }
            : null;

    /// <summary>
    /// The state a timeline finds before the touchpoint at <paramref name="order"/> (its place among the
    /// touchpoints) when the stream is in business order; null before any state-changing touchpoint.
    /// </summary>
    public string? StateBefore(long order)
    {
        for (var i = ChangeOrders.Count - 1; i >= 0; i--)
            if (ChangeOrders[i] < order) return StateChanges[i].State;
        return null;
    }

    private static List<long> ChangeOrdersOf(IReadOnlyList<StateMark> marks)
    {
        var (orders, last) = (new List<long>(), (string?)null);
        foreach (var (mark, state) in Lifecycle.Lifecycle.Replay(marks, m => m.At, m => m.Order, m => m.Type))
        {
            if (orders.Count == 0 || last != state) orders.Add(mark.Order);
            last = state;
        }
        return orders;
    }

    /// <summary>
    /// Whether a touchpoint of <paramref name="type"/> at <paramref name="at"/> needs the marks the summary does not keep
    /// to move its state on: a state-changing one dated before the latest, unless a purchase that finds the client a
    /// customer already. Those marks are the ones dated after it (<see cref="StateMarks"/>).
    /// </summary>
    public bool NeedsMarks(DateTimeOffset at, string type) =>
        Lifecycle.Lifecycle.CanChangeState(type) && LatestMarkAt is { } latest && at < latest
        && (type != Touchpoints.TouchpointTypes.Purchase || StateChanges.LastOrDefault(c => c.At <= at)?.State is null or CustomerStates.Prospect or CustomerStates.Churned);

    /// <summary>
    /// The state's changes after one more mark. Dated no earlier than every mark before it, it sorts
    /// last (it is recorded last) and moves the state on by one step. A purchase dated earlier that
    /// finds the client a customer already changes nothing at its place nor after it; any other
    /// earlier mark is replayed with the marks dated after it, which the summary does not keep:
    /// <paramref name="marks"/> keeps them (null when not given: then null).
    /// </summary>
    private (IReadOnlyList<StateChange>, IReadOnlyList<long>)? StateAfterMark(DateTimeOffset at, long order, string type, StateMarks? marks)
    {
        if (LatestMarkAt is { } latest && at < latest)
        {
            if (!NeedsMarks(at, type)) return (StateChanges, ChangeOrders);
            return marks?.After(this, at, order, type);
        }
        var state = Lifecycle.Lifecycle.Next(StateChanges.Count > 0 ? StateChanges[^1].State : null, type) ?? CustomerStates.Prospect;
        return StateChanges.Count > 0 && StateChanges[^1].State == state
            ? (StateChanges, ChangeOrders)
            : ([.. StateChanges, new StateChange(at, state)], [.. ChangeOrders, order]);
    }

    private static DateTimeOffset Later(DateTimeOffset? known, DateTimeOffset at) => known is { } k && k >= at ? k : at;
}
