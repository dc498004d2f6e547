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
/// A customer's touchpoints summed into what value formulas need: the historical value, the
/// purchases, when the relationship started and where it stands. Sums do not depend on the order
/// touchpoints arrive in; the state is refolded in business-time order, so back-dated touchpoints
/// land in their place. Recording one touchpoint returns a new ledger.
/// A ledger folded in memory keeps every purchase, refund and mark (a refit reads them); the one the
/// async projection stores keeps only its <see cref="Summary"/>, whose size does not grow with the
/// customer's touchpoints, and answers every formula and portfolio question from it
/// (docs/design.md, "The ledger the daemon keeps").
/// </summary>
public sealed partial record CustomerLedger
{
    public required string CustomerId { get; init; }
    public string? Segment { get; init; }
    public DateTimeOffset? LeadAt { get; init; }
    public DateTimeOffset? SignedUpAt { get; init; }
    public DateTimeOffset? FirstSeenAt { get; init; }
    /// <summary>The latest business time of a touchpoint folded: a value as of it or later counts every one (null in ledgers stored before 2026-12-06).</summary>
    public DateTimeOffset? LastSeenAt { get; init; }
    /// <summary>The version of the customer's stream the projection folded up to (0 when folded elsewhere): a read folds only the events after it.</summary>
    public long FoldedUpTo { get; init; }
    /// <summary>
    /// Every touchpoint was recorded no earlier in business time than those before it: its place in
    /// the stream is its place in the timeline (false in ledgers stored before 2026-12-06).
    /// </summary>
    public bool InBusinessOrder { get; init; }
    public HistoricalValue Historical { get; init; } = new(0, 0, CostBreakdown.None);
    /// <summary>Other purchases (a `with`, a deserialised document) forget the categories and occasions gathered from the former ones.</summary>
    [JsonIgnore]
    public IReadOnlyList<PurchaseLine> Purchases
    {
        get => _stored is null ? _purchases : throw LinesNotKept(nameof(Purchases));
        init
        {
            if (ReferenceEquals(value, _purchases)) return;
            (_purchases, _bought, _occasions, _summary) = (value, new BoughtCategories(), new KnownOccasions(), new SummaryOfLines());
        }
    }
    [JsonIgnore]
    public IReadOnlyList<RefundLine> Refunds
    {
        get => _stored is null ? _refunds : throw LinesNotKept(nameof(Refunds));
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
        get => _stored is null ? _marks : throw LinesNotKept(nameof(Marks));
        init
        {
            if (ReferenceEquals(value, _marks)) return;
            (_marks, _folded, _summary) = (value, new FoldedMarks(), new SummaryOfLines());
        }
    }

    /// <summary>
    /// What the ledger's lines add up to; what the projection stores. A ledger read back from it keeps no
    /// lines: it is moved on by <see cref="TryRecord"/> and answers from the summary.
    /// </summary>
    public LedgerSummary Summary
    {
        get => _stored ?? (_summary.Value ??= LedgerSummary.Of(this));
        init => (_stored, _bought, _occasions, _folded) = (value, new BoughtCategories(), new KnownOccasions(), new FoldedMarks());
    }

    /// <summary>True when folded from touchpoints (every line kept); false when read back from the stored summary.</summary>
    [JsonIgnore]
    public bool KeepsLines => _stored is null;

    // Ledgers stored before 2026-12-06 hold their lines: they are read as folded ones, and written back as summaries.
    [JsonInclude, JsonPropertyName("purchases"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private IReadOnlyList<PurchaseLine>? StoredPurchases { get => null; init => Purchases = value ?? []; }
    [JsonInclude, JsonPropertyName("refunds"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private IReadOnlyList<RefundLine>? StoredRefunds { get => null; init => Refunds = value ?? []; }
    [JsonInclude, JsonPropertyName("marks"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private IReadOnlyList<StateMark>? StoredMarks { get => null; init => Marks = value ?? []; }
    /// <summary>Retention offers made, by offer id, with their cost: it becomes a retention cost once accepted.</summary>
    public IReadOnlyDictionary<string, decimal> OfferCosts { get; init; } = new Dictionary<string, decimal>();
    /// <summary>
    /// Retention offers accepted. An acceptance can come before its offer in business time (the desk
    /// stamps offers with the server's clock, callers their acceptances with theirs), so the cost is
    /// counted when the second of the two is recorded, whichever it is.
    /// </summary>
    public IReadOnlyList<string> AcceptedOffers { get; init; } = [];
    public int Touchpoints { get; init; }

    private readonly IReadOnlyList<StateMark> _marks = [];
    private readonly IReadOnlyList<PurchaseLine> _purchases = [];
    private readonly IReadOnlyList<RefundLine> _refunds = [];
    private readonly LedgerSummary? _stored;
    private readonly SummaryOfLines _summary = new();
    private readonly BoughtCategories _bought = new();
    private readonly KnownOccasions _occasions = new();
    private readonly FoldedMarks _folded = new();

    public static CustomerLedger Empty(string customerId) => new() { CustomerId = customerId, InBusinessOrder = true };

    public static CustomerLedger Of(string customerId, IEnumerable<ITouchpoint> touchpoints) =>
        touchpoints.Aggregate(Empty(customerId), (ledger, touchpoint) => ledger.Record(touchpoint));

    public CustomerLedger Record(ITouchpoint touchpoint) =>
        TryRecord(touchpoint) ?? throw new InvalidOperationException(
            $"The stored ledger of {CustomerId} keeps no lines to place a back-dated {TouchpointTypes.NameOf(touchpoint)} or a refund of an order it does not know: fold it from the stream.");

    /// <summary>
    /// The order a refund refunds when this stored ledger does not keep it: its history must be given to
    /// <see cref="TryRecord"/> (the projection reads it from the stream).
    /// </summary>
    public string? OrderToLookUp(ITouchpoint touchpoint) =>
        _stored is { } s && touchpoint is PurchaseRefunded r && !s.KnowsOrder(r.OrderId) ? r.OrderId : null;

    /// <summary>
    /// The ledger after one more touchpoint. A ledger read back from its summary moves the summary on,
    /// and answers null where the summary cannot tell (a back-dated touchpoint it kept too little to
    /// place): fold the customer from its stream then. <paramref name="order"/> is the stream's word on
    /// the order a refund refunds, asked by <see cref="OrderToLookUp"/>.
    /// </summary>
    public CustomerLedger? TryRecord(ITouchpoint touchpoint, OrderHistory? order = null)
    {
        var type = TouchpointTypes.NameOf(touchpoint);
        var (leadAt, signedUpAt, segment, h, offerCosts, accepted) =
            (LeadAt, SignedUpAt, Segment, Historical, OfferCosts, AcceptedOffers);
        var (purchases, refunds) = _stored is null ? (_purchases, _refunds) : ([], []);
        var c = h.Costs;
        switch (touchpoint)
        {
            case LeadCaptured lead:
                leadAt = Earliest(LeadAt, lead.OccurredAt);
                break;
            case SignedUp s:
                (signedUpAt, segment) = (Earliest(SignedUpAt, s.OccurredAt), s.Segment);
                h = h with { Costs = c with { Acquisition = c.Acquisition + s.AcquisitionCost } };
                break;
            case PurchaseMade p:
                h = h with { Revenue = h.Revenue + p.Amount, Margin = h.Margin + p.Margin };
                if (_stored is null) purchases = AppendedList<PurchaseLine>.Append(purchases, new PurchaseLine(p.OccurredAt, p.OrderId, p.Amount, p.Margin, p.Category));
                break;
            case PurchaseRefunded r:
                h = h with { Revenue = h.Revenue - r.Amount, Margin = h.Margin - r.Margin };
                if (_stored is null) refunds = AppendedList<RefundLine>.Append(refunds, new RefundLine(r.OccurredAt, r.TouchpointId, r.OrderId, r.Amount, r.Margin));
                break;
            case SupportCallLogged call:
                h = h with { Costs = c with { Support = c.Support + call.Cost } };
                break;
            case VisitMade visit:
                h = h with { Costs = c with { Visits = c.Visits + visit.Cost } };
                break;
            case PromotionOffered offer:
                h = h with { Costs = c with { Promotions = c.Promotions + offer.Cost } };
                break;
            case PromotionAccepted promotion:
                h = h with { Costs = c with { Promotions = c.Promotions + promotion.DiscountAmount } };
                break;
            case RetentionOfferMade offer:
                offerCosts = new Dictionary<string, decimal>(OfferCosts) { [offer.OfferId] = offer.Cost };
                if (AcceptedOffers.Contains(offer.OfferId) && !OfferCosts.ContainsKey(offer.OfferId))
                    h = h with { Costs = c with { Retention = c.Retention + offer.Cost } };
                break;
            case RetentionOfferAccepted acceptance when !AcceptedOffers.Contains(acceptance.OfferId):
                accepted = [.. AcceptedOffers, acceptance.OfferId];
                h = h with { Costs = c with { Retention = c.Retention + OfferCosts.GetValueOrDefault(acceptance.OfferId) } };
                break;
        }
        var changesState = Lifecycle.Lifecycle.CanChangeState(type);
        if (_stored is { } summary)
        {
            var moved = touchpoint switch
            {
                PurchaseMade p => summary.AfterPurchase(p.OccurredAt, Touchpoints, p.OrderId, p.Amount, p.Category),
                PurchaseRefunded r => summary.KnowsOrder(r.OrderId) || order is not null ? summary.AfterRefund(r.OrderId, r.Amount, order) : null,
                _ when changesState => summary.AfterMark(touchpoint.OccurredAt, Touchpoints, type),
                _ => summary,
            };
            if (moved is null) return null;
            return this with
            {
                Touchpoints = Touchpoints + 1,
                FirstSeenAt = FirstSeenAt is { } seen && seen <= touchpoint.OccurredAt ? seen : touchpoint.OccurredAt,
                LastSeenAt = LastSeenAt is { } seenLast && seenLast >= touchpoint.OccurredAt ? seenLast : touchpoint.OccurredAt,
                InBusinessOrder = InBusinessOrder && !(LastSeenAt > touchpoint.OccurredAt),
                LeadAt = leadAt, SignedUpAt = signedUpAt, Segment = segment, Historical = h,
                OfferCosts = offerCosts, AcceptedOffers = accepted, Summary = moved,
            };
        }
        // One new ledger per touchpoint: a replay records millions.
        var next = this with
        {
            Touchpoints = Touchpoints + 1,
            FirstSeenAt = FirstSeenAt is { } first && first <= touchpoint.OccurredAt ? first : touchpoint.OccurredAt,
            LastSeenAt = LastSeenAt is { } lastSeen && lastSeen >= touchpoint.OccurredAt ? lastSeen : touchpoint.OccurredAt,
            InBusinessOrder = InBusinessOrder && !(LastSeenAt > touchpoint.OccurredAt),
            Marks = changesState ? AppendedList<StateMark>.Append(_marks, new StateMark(touchpoint.OccurredAt, Touchpoints, type)) : _marks,
            LeadAt = leadAt, SignedUpAt = signedUpAt, Segment = segment, Historical = h,
            Purchases = purchases, Refunds = refunds, OfferCosts = offerCosts, AcceptedOffers = accepted,
        };
        if (changesState) next._folded.StepFrom(this, type, touchpoint.OccurredAt);
        if (touchpoint is PurchaseMade bought)
        {
            next._bought.StepFrom(_bought, bought.Category);
            next._occasions.StepFrom(_occasions, bought.OccurredAt, bought.Amount);
        }
        return next;
    }

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

    /// <summary>When the customer became one: its signup, or its first purchase; a lead is not a customer yet.</summary>
    public DateTimeOffset? RelationshipStart() => SignedUpAt ?? FirstPurchaseAt();

    public int PurchaseCount() => _stored?.PurchaseCount ?? _purchases.Count;

    public DateTimeOffset? FirstPurchaseAt() => _stored is { } s ? s.FirstPurchaseAt : _purchases.MinBy(p => p.At)?.At;

    public IReadOnlyList<StateChange> StateChanges()
    {
        if (_stored is { } s) return s.StateChanges;
        var changes = new List<StateChange>();
        foreach (var (mark, state) in Lifecycle.Lifecycle.Replay(_marks, m => m.At, m => m.Order, m => m.Type))
        {
            if (changes.Count == 0 || changes[^1].State != state) changes.Add(new(mark.At, state));
        }
        return changes;
    }

    public string State() => _stored?.State() ?? (_folded.State ??= StateChanges() is { Count: > 0 } changes ? changes[^1].State : CustomerStates.Prospect);

    /// <summary>Facts that cannot all be true at once: the data-quality error rate counts them.</summary>
    public IReadOnlyList<string> DataErrors()
    {
        var errors = new List<string>();
        foreach (var order in Summary.RefundedOrders.Where(o => o.IsError))
        {
            if (order.Ordered is not { } amount)
                errors.Add($"refund of order {order.OrderId}, which this customer never placed");
            else if (order.Refunded > amount)
                errors.Add($"refunds of order {order.OrderId} exceed its amount");
        }
        if ((SignedUpAt ?? LeadAt) is { } acquired && FirstPurchaseAt() < acquired)
            errors.Add("a purchase happened before the customer was acquired");
        if (SignedUpAt is null && PurchaseCount() > 0)
            errors.Add("purchases from a customer who never signed up");
        return errors;
    }

    private static InvalidOperationException LinesNotKept(string lines) =>
        new($"A stored ledger keeps its summary, not its {lines}: fold the customer from its stream for them (CustomerLedger.Of).");

    /// <summary>The summary of the lines once made; a function of the lines alone, so it never makes two ledgers differ.</summary>
    private sealed class SummaryOfLines
    {
        public LedgerSummary? Value;

        public override bool Equals(object? other) => other is SummaryOfLines;
        public override int GetHashCode() => 0;
    }

    private static DateTimeOffset Earliest(DateTimeOffset? known, DateTimeOffset at) => known is { } k && k <= at ? k : at;
}
