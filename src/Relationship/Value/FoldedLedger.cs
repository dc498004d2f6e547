using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Relationship.Value;

public sealed record PurchaseLine(DateTimeOffset At, string OrderId, decimal Amount, decimal Margin, string Category);

/// <summary>A refund; <see cref="Margin"/> is 0 in ledgers stored before it was kept (2026-12-05): refits read the events.</summary>
public sealed record RefundLine(DateTimeOffset At, string TouchpointId, string OrderId, decimal Amount, decimal Margin = 0);

/// <summary>A touchpoint that may change the customer's state, kept so the state can be refolded in business time.</summary>
public sealed record StateMark(DateTimeOffset At, long Order, string Type);

/// <summary>
/// A customer's ledger folded from its touchpoints (a read of its stream, a refit, a replay, a value
/// history): it keeps every purchase, refund and state mark, so it can place any touchpoint, however
/// back-dated. Stored, it is written as its <see cref="Summary"/> (docs/design.md, "The ledger the daemon keeps").
/// </summary>
public sealed partial record FoldedLedger : CustomerLedger
{
    /// <summary>Other purchases (a `with`, a deserialised document) forget the categories and occasions gathered from the former ones.</summary>
    [JsonIgnore]
    public IReadOnlyList<PurchaseLine> Purchases
    {
        get => _purchases;
        init
        {
            if (ReferenceEquals(value, _purchases)) return;
            (_purchases, _bought, _occasions, _summary) = (value, new BoughtCategories(), new KnownOccasions(), new SummaryOfLines());
        }
    }
    [JsonIgnore]
    public IReadOnlyList<RefundLine> Refunds
    {
        get => _refunds;
        init
        {
            if (ReferenceEquals(value, _refunds)) return;
            (_refunds, _summary) = (value, new SummaryOfLines());
        }
    }
    /// <summary>Other marks (a `with`, a deserialised document) start a new fold of them; the same list keeps the fold.</summary>
    [JsonIgnore]
    public IReadOnlyList<StateMark> Marks
    {
        get => _marks;
        init
        {
            if (ReferenceEquals(value, _marks)) return;
            (_marks, _folded, _summary) = (value, new FoldedMarks(), new SummaryOfLines());
        }
    }

    /// <summary>What the lines add up to: what the projection stores in their place.</summary>
    [JsonPropertyOrder(1)]
    public override LedgerSummary Summary => _summary.Value ??= LedgerSummary.Of(this);

    // Ledgers stored before 2026-12-06 hold their lines: they are read as folded ones, and written back as summaries.
    [JsonInclude, JsonPropertyName("purchases"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private IReadOnlyList<PurchaseLine>? StoredPurchases { get => null; init => Purchases = value ?? []; }
    [JsonInclude, JsonPropertyName("refunds"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private IReadOnlyList<RefundLine>? StoredRefunds { get => null; init => Refunds = value ?? []; }
    [JsonInclude, JsonPropertyName("marks"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private IReadOnlyList<StateMark>? StoredMarks { get => null; init => Marks = value ?? []; }

    // Set by the constructors, not by initialisers: those would run, and allocate, for every touchpoint recorded.
    private readonly IReadOnlyList<StateMark> _marks;
    private readonly IReadOnlyList<PurchaseLine> _purchases;
    private readonly IReadOnlyList<RefundLine> _refunds;
    private readonly SummaryOfLines _summary;
    private readonly BoughtCategories _bought;
    private readonly KnownOccasions _occasions;
    private readonly FoldedMarks _folded;

    public FoldedLedger() =>
        (_marks, _purchases, _refunds, _summary, _bought, _occasions, _folded) = ([], [], [], new(), new(), new(), new());

    /// <summary>
    /// <paramref name="before"/> after one more touchpoint: its line appended (to a list shared with
    /// <paramref name="before"/>: one new ledger per touchpoint, and a replay records millions), its
    /// folded state, categories and occasions stepped on rather than gathered again.
    /// </summary>
    [SetsRequiredMembers]
    private FoldedLedger(FoldedLedger before, ITouchpoint touchpoint, string type) : base(before, touchpoint)
    {
        (_marks, _purchases, _refunds) = (before._marks, before._purchases, before._refunds);
        (_summary, _bought, _occasions, _folded) = (before._summary, before._bought, before._occasions, before._folded);
        var changesState = Lifecycle.Lifecycle.CanChangeState(type);
        if (changesState) Marks = AppendedList<StateMark>.Append(_marks, new StateMark(touchpoint.OccurredAt, before.Touchpoints, type));
        switch (touchpoint)
        {
            case PurchaseMade p:
                Purchases = AppendedList<PurchaseLine>.Append(_purchases, new PurchaseLine(p.OccurredAt, p.OrderId, p.Amount, p.Margin, p.Category));
                _bought.StepFrom(before._bought, p.Category);
                _occasions.StepFrom(before._occasions, p.OccurredAt, p.Amount);
                break;
            case PurchaseRefunded r:
                Refunds = AppendedList<RefundLine>.Append(_refunds, new RefundLine(r.OccurredAt, r.TouchpointId, r.OrderId, r.Amount, r.Margin));
                break;
        }
        if (changesState) _folded.StepFrom(before, type, touchpoint.OccurredAt);
    }

    public static FoldedLedger Empty(string customerId) => new() { CustomerId = customerId, InBusinessOrder = true };

    public static FoldedLedger Of(string customerId, IEnumerable<ITouchpoint> touchpoints) =>
        touchpoints.Aggregate(Empty(customerId), (ledger, touchpoint) => ledger.Record(touchpoint));

    /// <summary>The ledger after one more touchpoint: a folded ledger keeps every line, so it places any.</summary>
    public FoldedLedger Record(ITouchpoint touchpoint) => new(this, touchpoint, TouchpointTypes.NameOf(touchpoint));

    public override FoldedLedger TryRecord(ITouchpoint touchpoint, OrderHistory? order = null, bool? boughtThatDay = null, StateMarks? marks = null) =>
        Record(touchpoint);

    /// <summary>Every order is in the lines: none to look up.</summary>
    public override string? OrderToLookUp(ITouchpoint touchpoint) => null;

    /// <summary>Every mark is in the lines: none to look up.</summary>
    public override bool MarksToLookUp(ITouchpoint touchpoint) => false;

    /// <summary>Every purchase day is in the lines: none to look up.</summary>
    public override DateOnly? PurchaseDayToLookUp(ITouchpoint touchpoint) => null;

    /// <summary>The ledger as the projection stores it and reads it back: its summary, no lines.</summary>
    public CustomerLedger AsStored() => new(this, Summary);

    /// <summary>
    /// Margin by category, net of refunds (domain.md: margins minus refunds' margin). A refund's
    /// margin is charged to the categories of the order it refunds in proportion to the margin each
    /// brought (a full refund then leaves every category at 0), by their amounts when the order
    /// brought no margin, equally by line when those are 0 too; a refund of an order never placed
    /// has no category.
    /// </summary>
    public IReadOnlyDictionary<string, decimal> MarginByCategory()
    {
        var margins = Purchases.GroupBy(p => p.Category).ToDictionary(g => g.Key, g => g.Sum(p => p.Margin));
        if (Refunds.Count == 0) return margins;
        var orders = Purchases.GroupBy(p => p.OrderId).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var refund in Refunds)
        {
            if (!orders.TryGetValue(refund.OrderId, out var lines)) continue;
            var (margin, amount) = (lines.Sum(l => l.Margin), lines.Sum(l => l.Amount));
            foreach (var line in lines)
                margins[line.Category] -= refund.Margin * (margin != 0 ? line.Margin / margin : amount != 0 ? line.Amount / amount : 1m / lines.Count);
        }
        return margins;
    }

    public override int PurchaseCount() => _purchases.Count;

    public override DateTimeOffset? FirstPurchaseAt() => _purchases.MinBy(p => p.At)?.At;

    public override IReadOnlyList<StateChange> StateChanges()
    {
        var changes = new List<StateChange>();
        foreach (var (mark, state) in Lifecycle.Lifecycle.Replay(_marks, m => m.At, m => m.Order, m => m.Type))
        {
            if (changes.Count == 0 || changes[^1].State != state) changes.Add(new(mark.At, state));
        }
        return changes;
    }

    public override string State() => _folded.State ??= StateChanges() is { Count: > 0 } changes ? changes[^1].State : CustomerStates.Prospect;

    public override (PurchaseHistory History, decimal? MeanRepeatValue) HistoryBeforeLastDay(DateOnly end, double daysPerWeek)
    {
        var summary = CalibrationSummaries.From(
            Purchases.Select(p => new CustomerPurchase<string>(CustomerId, DateOnly.FromDateTime(p.At.UtcDateTime), p.Amount)), end)
            .SingleOrDefault();
        return (summary?.History ?? new PurchaseHistory(0, 0, 0), summary?.MeanRepeatValue);
    }

    /// <summary>The summary of the lines once made; a function of the lines alone, so it never makes two ledgers differ.</summary>
    private sealed class SummaryOfLines
    {
        public LedgerSummary? Value;

        public override bool Equals(object? other) => other is SummaryOfLines;
        public override int GetHashCode() => 0;
    }
}
