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
/// </summary>
public sealed partial record CustomerLedger
{
    public required string CustomerId { get; init; }
    public string? Segment { get; init; }
    public DateTimeOffset? LeadAt { get; init; }
    public DateTimeOffset? SignedUpAt { get; init; }
    public DateTimeOffset? FirstSeenAt { get; init; }
    public HistoricalValue Historical { get; init; } = new(0, 0, CostBreakdown.None);
    /// <summary>Other purchases (a `with`, a deserialised document) forget the categories and occasions gathered from the former ones.</summary>
    public IReadOnlyList<PurchaseLine> Purchases
    {
        get => _purchases;
        init
        {
            if (ReferenceEquals(value, _purchases)) return;
            (_purchases, _bought, _occasions) = (value, new BoughtCategories(), new KnownOccasions());
        }
    }
    public IReadOnlyList<RefundLine> Refunds { get; init; } = [];
    /// <summary>Other marks (a `with`, a deserialised document) start a new fold of them; the same list keeps the fold.</summary>
    public IReadOnlyList<StateMark> Marks
    {
        get => _marks;
        init
        {
            if (ReferenceEquals(value, _marks)) return;
            (_marks, _folded) = (value, new FoldedMarks());
        }
    }
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
    private readonly BoughtCategories _bought = new();
    private readonly KnownOccasions _occasions = new();
    private readonly FoldedMarks _folded = new();

    public static CustomerLedger Empty(string customerId) => new() { CustomerId = customerId };

    public static CustomerLedger Of(string customerId, IEnumerable<ITouchpoint> touchpoints) =>
        touchpoints.Aggregate(Empty(customerId), (ledger, touchpoint) => ledger.Record(touchpoint));

    public CustomerLedger Record(ITouchpoint touchpoint)
    {
        var type = TouchpointTypes.NameOf(touchpoint);
        var (leadAt, signedUpAt, segment, h, purchases, refunds, offerCosts, accepted) =
            (LeadAt, SignedUpAt, Segment, Historical, Purchases, Refunds, OfferCosts, AcceptedOffers);
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
                purchases = AppendedList<PurchaseLine>.Append(Purchases, new PurchaseLine(p.OccurredAt, p.OrderId, p.Amount, p.Margin, p.Category));
                break;
            case PurchaseRefunded r:
                h = h with { Revenue = h.Revenue - r.Amount, Margin = h.Margin - r.Margin };
                refunds = AppendedList<RefundLine>.Append(Refunds, new RefundLine(r.OccurredAt, r.TouchpointId, r.OrderId, r.Amount, r.Margin));
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
        // One new ledger per touchpoint: a replay records millions.
        var changesState = Lifecycle.Lifecycle.CanChangeState(type);
        var next = this with
        {
            Touchpoints = Touchpoints + 1,
            FirstSeenAt = FirstSeenAt is { } first && first <= touchpoint.OccurredAt ? first : touchpoint.OccurredAt,
            Marks = changesState ? AppendedList<StateMark>.Append(Marks, new StateMark(touchpoint.OccurredAt, Touchpoints, type)) : Marks,
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
    public DateTimeOffset? RelationshipStart() => SignedUpAt ?? Purchases.MinBy(p => p.At)?.At;

    public IReadOnlyList<StateChange> StateChanges()
    {
        var changes = new List<StateChange>();
        foreach (var (mark, state) in Lifecycle.Lifecycle.Replay(Marks, m => m.At, m => m.Order, m => m.Type))
        {
            if (changes.Count == 0 || changes[^1].State != state) changes.Add(new(mark.At, state));
        }
        return changes;
    }

    public string State() => _folded.State ??= StateChanges() is { Count: > 0 } changes ? changes[^1].State : CustomerStates.Prospect;

    /// <summary>Facts that cannot all be true at once: the data-quality error rate counts them.</summary>
    public IReadOnlyList<string> DataErrors()
    {
        var errors = new List<string>();
        var ordered = Purchases.GroupBy(p => p.OrderId).ToDictionary(g => g.Key, g => g.Sum(p => p.Amount));
        foreach (var order in Refunds.GroupBy(r => r.OrderId))
        {
            if (!ordered.TryGetValue(order.Key, out var amount))
                errors.Add($"refund of order {order.Key}, which this customer never placed");
            else if (order.Sum(r => r.Amount) > amount)
                errors.Add($"refunds of order {order.Key} exceed its amount");
        }
        if ((SignedUpAt ?? LeadAt) is { } acquired && Purchases.Any(p => p.At < acquired))
            errors.Add("a purchase happened before the customer was acquired");
        if (SignedUpAt is null && Purchases.Count > 0)
            errors.Add("purchases from a customer who never signed up");
        return errors;
    }

    private static DateTimeOffset Earliest(DateTimeOffset? known, DateTimeOffset at) => known is { } k && k <= at ? k : at;
}
