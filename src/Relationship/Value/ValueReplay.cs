using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship;

namespace EventCrm.Relationship.Value;

public sealed record ReplayedPoint(string TouchpointId, string Type, DateTimeOffset OccurredAt, decimal Revenue, decimal Profit,
    decimal Current, decimal Potential, [property: Words(typeof(ValueTier))] string Tier);

/// <summary>One customer replayed: its value as of the replay date under the replayed formula and under the live one.</summary>
public sealed record ReplayedCustomer(string CustomerId, FoldedLedger Ledger, ReplayedValue Value, ReplayedValue Live, int Events);

/// <summary>
/// A customer's valuation under one formula, or why that formula cannot value it (the live read's
/// 409 or 422): one such customer must not stop a replay of the whole base. Like the portfolio
/// figures, it then counts as 0, with its own tier.
/// </summary>
public sealed record ReplayedValue(CustomerValuation? Valuation, string? NotComputable)
{
    public decimal Current => Valuation?.Current.Value ?? 0;
    public decimal Potential => Valuation?.Potential.Total ?? 0;
    public string Tier => Valuation?.Tier ?? ValueTier.NotComputable;

    public static ReplayedValue Of(CustomerLedger ledger, DateTimeOffset asOf, FormulaChoice formula, PortfolioModel model)
    {
        try
        {
            return new ReplayedValue(CustomerValuation.Of(ledger, asOf, formula, model), null);
        }
        catch (Exception e) when (e is FormulaParameterException or ModelNotFittedException)
        {
            return new ReplayedValue(null, e.Message);
        }
    }
}

/// <summary>
/// Replays one customer's touchpoints under a formula, with the same pure functions as the live
/// reads, so a replay under the formula in force gives exactly the live value. A replay of the
/// whole log values every customer as of its date; the value after each touchpoint (its history)
/// is worked out for the one customer someone asks about.
/// </summary>
public static class ValueReplay
{
    public static ReplayedCustomer Customer(string customerId, IReadOnlyList<ITouchpoint> recorded, DateTimeOffset asOf,
        FormulaChoice formula, FormulaChoice live, PortfolioModel model)
    {
        var counted = InBusinessTimeOrder(recorded, asOf);
        var ledger = FoldedLedger.Of(customerId, counted);
        return new ReplayedCustomer(customerId, ledger, ReplayedValue.Of(ledger, asOf, formula, model),
            ReplayedValue.Of(ledger, asOf, live, model), counted.Length);
    }

    /// <summary>The value after each touchpoint up to the date, as of that touchpoint's business time.</summary>
    public static IReadOnlyList<ReplayedPoint> History(string customerId, IReadOnlyList<ITouchpoint> recorded, DateTimeOffset asOf,
        FormulaChoice formula, PortfolioModel model) =>
        HistoryPage(customerId, recorded, asOf, formula, model, total => (0, total)).Points;

    /// <summary>
    /// The points of the history at positions From (included) to To (excluded) of its Total, which
    /// <paramref name="page"/> chooses from the total: each valued with every touchpoint before it
    /// folded in, only those of the page valued.
    /// </summary>
    public static (IReadOnlyList<ReplayedPoint> Points, int Total) HistoryPage(string customerId, IReadOnlyList<ITouchpoint> recorded,
        DateTimeOffset asOf, FormulaChoice formula, PortfolioModel model, Func<int, (int From, int To)> page)
    {
        var counted = InBusinessTimeOrder(recorded, asOf);
        var (from, to) = page(counted.Length);
        var ledger = FoldedLedger.Empty(customerId);
        var history = new List<ReplayedPoint>(to - from);
        for (var k = 0; k < to; k++)
        {
            var touchpoint = counted[k];
            ledger = ledger.Record(touchpoint);
            if (k < from) continue;
            var v = CustomerValuation.Of(ledger, touchpoint.OccurredAt, formula, model);
            history.Add(new ReplayedPoint(touchpoint.TouchpointId, TouchpointTypes.NameOf(touchpoint), touchpoint.OccurredAt,
                v.Historical.Revenue, v.Historical.Profit, v.Current.Value, v.Potential.Total, v.Tier));
        }
        return (history, counted.Length);
    }

    /// <summary>The touchpoints up to the date, by business time, ties in recording order (the order a sort by both gives).</summary>
    private static ITouchpoint[] InBusinessTimeOrder(IReadOnlyList<ITouchpoint> recorded, DateTimeOffset asOf)
    {
        var keys = new List<(DateTimeOffset At, int Order)>(recorded.Count);
        for (var i = 0; i < recorded.Count; i++)
            if (recorded[i].OccurredAt <= asOf) keys.Add((recorded[i].OccurredAt, i));
        keys.Sort();
        var counted = new ITouchpoint[keys.Count];
        for (var i = 0; i < counted.Length; i++) counted[i] = recorded[keys[i].Order];
        return counted;
    }
}
