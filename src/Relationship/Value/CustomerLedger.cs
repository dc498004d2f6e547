using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Relationship.Value;

/// <summary>
/// A customer's touchpoints summed into what value formulas need: the historical value, the
/// purchases, when the relationship started and where it stands. Sums do not depend on the order
/// touchpoints arrive in; the state is refolded in business-time order, so back-dated touchpoints
/// land in their place. Recording one touchpoint returns a new ledger.
/// This is the ledger the async projection stores and reads back: its <see cref="Summary"/>, whose size
/// does not grow with the customer's touchpoints, answers every formula and portfolio question. A
/// <see cref="FoldedLedger"/>, folded from touchpoints, is one that also keeps every purchase, refund
/// and mark (a refit reads them, a back-dated touchpoint is placed by them): only that type has them,
/// so the compiler, not a run-time check, keeps code from reading lines a stored ledger does not have
/// (docs/design.md, "The ledger the daemon keeps").
/// Not abstract: Marten maps an abstract document type as a hierarchy (a doc-type column, a type per
/// row), and either kind is stored alike, as its summary.
/// </summary>
public partial record CustomerLedger
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
    /// <summary>Retention offers made, by offer id, with their cost: it becomes a retention cost once accepted.</summary>
    public IReadOnlyDictionary<string, decimal> OfferCosts { get; init; } = new Dictionary<string, decimal>();
    /// <summary>
    /// Retention offers accepted. An acceptance can come before its offer in business time (the desk
    /// stamps offers with the server's clock, callers their acceptances with theirs), so the cost is
    /// counted when the second of the two is recorded, whichever it is.
    /// </summary>
    public IReadOnlyList<string> AcceptedOffers { get; init; } = [];
    public int Touchpoints { get; init; }

    /// <summary>What the store keeps in place of the lines; a folded ledger sums its lines instead.</summary>
    // Written last by either kind, so that both write the same text.
    [JsonPropertyOrder(1)]
    public virtual LedgerSummary Summary => _kept!;

    // Set for every ledger of this type (read back, moved on, made from a folded one); null in a folded one, which overrides Summary.
    private readonly LedgerSummary? _kept;

    private protected CustomerLedger() { }

    /// <summary>A ledger as stored: Marten reads its summary with the rest.</summary>
    [JsonConstructor]
    private CustomerLedger(LedgerSummary summary) => _kept = summary;

    /// <summary>What <paramref name="facts"/> keeps in common with every ledger, with its lines summed into <paramref name="summary"/>.</summary>
    [SetsRequiredMembers]
    internal CustomerLedger(CustomerLedger facts, LedgerSummary summary) : this(facts) => _kept = summary;

    [SetsRequiredMembers]
    private CustomerLedger(CustomerLedger before, ITouchpoint touchpoint, LedgerSummary moved) : this(before, touchpoint) => _kept = moved;

    /// <summary>
    /// <paramref name="before"/> after one more touchpoint, in what both kinds keep alike (sums, dates,
    /// offers); each kind moves its own purchases and state on. One constructor, not a `with` per kind
    /// then another for the kind's own part: a replay records millions of touchpoints.
    /// </summary>
    [SetsRequiredMembers]
    private protected CustomerLedger(CustomerLedger before, ITouchpoint touchpoint) : this(before)
    {
        var at = touchpoint.OccurredAt;
        Touchpoints = before.Touchpoints + 1;
        FirstSeenAt = Earliest(before.FirstSeenAt, at);
        LastSeenAt = before.LastSeenAt is { } last && last >= at ? last : at;
        InBusinessOrder = before.InBusinessOrder && !(before.LastSeenAt > at);
        var (h, c) = (before.Historical, before.Historical.Costs);
        switch (touchpoint)
        {
            case LeadCaptured:
                LeadAt = Earliest(before.LeadAt, at);
                break;
            case SignedUp s:
                (SignedUpAt, Segment) = (Earliest(before.SignedUpAt, at), s.Segment);
                Historical = h with { Costs = c with { Acquisition = c.Acquisition + s.AcquisitionCost } };
                break;
            case PurchaseMade p:
                Historical = h with { Revenue = h.Revenue + p.Amount, Margin = h.Margin + p.Margin };
                break;
            case PurchaseRefunded r:
                Historical = h with { Revenue = h.Revenue - r.Amount, Margin = h.Margin - r.Margin };
                break;
            case SupportCallLogged call:
                Historical = h with { Costs = c with { Support = c.Support + call.Cost } };
                break;
            case VisitMade visit:
                Historical = h with { Costs = c with { Visits = c.Visits + visit.Cost } };
                break;
            case PromotionOffered offer:
                Historical = h with { Costs = c with { Promotions = c.Promotions + offer.Cost } };
                break;
            case PromotionAccepted promotion:
                Historical = h with { Costs = c with { Promotions = c.Promotions + promotion.DiscountAmount } };
                break;
            case RetentionOfferMade offer:
                OfferCosts = new Dictionary<string, decimal>(before.OfferCosts) { [offer.OfferId] = offer.Cost };
                if (before.AcceptedOffers.Contains(offer.OfferId) && !before.OfferCosts.ContainsKey(offer.OfferId))
                    Historical = h with { Costs = c with { Retention = c.Retention + offer.Cost } };
                break;
            case RetentionOfferAccepted acceptance when !before.AcceptedOffers.Contains(acceptance.OfferId):
                AcceptedOffers = [.. before.AcceptedOffers, acceptance.OfferId];
                Historical = h with { Costs = c with { Retention = c.Retention + before.OfferCosts.GetValueOrDefault(acceptance.OfferId) } };
                break;
        }
    }

    /// <summary>
    /// The ledger after one more touchpoint: its summary moved on, or null where the summary cannot tell (a
    /// back-dated touchpoint it kept too little to place): fold the customer from its stream then.
    /// <paramref name="order"/> is the stream's word on the order a refund refunds, asked by <see cref="OrderToLookUp"/>;
    /// <paramref name="boughtThatDay"/> its word on whether a purchase before this one fell on its day, asked by <see cref="PurchaseDayToLookUp"/>.
    /// <paramref name="marks"/>: the state-changing touchpoints recorded before it, at least those dated after it, asked by <see cref="MarksToLookUp"/>.
    /// A <see cref="FoldedLedger"/> places every touchpoint.
    /// </summary>
    public virtual CustomerLedger? TryRecord(ITouchpoint touchpoint, OrderHistory? order = null, bool? boughtThatDay = null, StateMarks? marks = null)
    {
        var type = TouchpointTypes.NameOf(touchpoint);
        var moved = touchpoint switch
        {
            PurchaseMade p => Summary.AfterPurchase(p.OccurredAt, Touchpoints, p.OrderId, p.Amount, p.Category, boughtThatDay, marks),
            PurchaseRefunded r => Summary.KnowsOrder(r.OrderId) || order is not null ? Summary.AfterRefund(r.OrderId, r.Amount, order) : null,
            _ when Lifecycle.Lifecycle.CanChangeState(type) => Summary.AfterMark(touchpoint.OccurredAt, Touchpoints, type, marks),
            _ => Summary,
        };
        return moved is null ? null : new CustomerLedger(this, touchpoint, moved);
    }

    /// <summary>
    /// The order a refund refunds when the summary does not keep it: its history must be given to
    /// <see cref="TryRecord"/> (the projection reads it from the stream).
    /// </summary>
    public virtual string? OrderToLookUp(ITouchpoint touchpoint) =>
        touchpoint is PurchaseRefunded r && !Summary.KnowsOrder(r.OrderId) ? r.OrderId : null;

    /// <summary>
    /// The UTC day of a purchase back-dated between the first purchase day and the day before the last: whether the
    /// customer bought on it before must be given to <see cref="TryRecord"/> (the summary keeps no such day).
    /// </summary>
    public virtual DateOnly? PurchaseDayToLookUp(ITouchpoint touchpoint) =>
        touchpoint is PurchaseMade p && Summary.Occasions is { } occasions ? occasions.DayToLookUp(p.OccurredAt) : null;

    /// <summary>
    /// Whether a touchpoint moves the state on only with the state-changing touchpoints dated after it, which the summary
    /// does not keep (a back-dated churn, say): they must be given to <see cref="TryRecord"/> (the projection keeps them).
    /// </summary>
    public virtual bool MarksToLookUp(ITouchpoint touchpoint) => Summary.NeedsMarks(touchpoint.OccurredAt, TouchpointTypes.NameOf(touchpoint));

    /// <summary>When the customer became one: its signup, or its first purchase; a lead is not a customer yet.</summary>
    public DateTimeOffset? RelationshipStart() => SignedUpAt ?? FirstPurchaseAt();

    public virtual int PurchaseCount() => Summary.PurchaseCount;

    public virtual DateTimeOffset? FirstPurchaseAt() => Summary.FirstPurchaseAt;

    public virtual IReadOnlyList<StateChange> StateChanges() => Summary.StateChanges;

    public virtual string State() => Summary.State();

    /// <summary>The categories the customer has bought: what its potential value's cross-sell leaves out.</summary>
    public virtual IReadOnlySet<string> CategoriesBought() => Summary.Categories.ToHashSet();

    /// <summary>The purchase occasions (purchases by UTC day) BG/NBD counts; null without purchases.</summary>
    public virtual PurchaseOccasions? Occasions() => Summary.Occasions?.Occasions;

    /// <summary>
    /// The customer's (x, t_x, T) and mean repeat value by the end of a day before its last purchase day
    /// (a purchase dated minutes ahead, past midnight UTC), in weeks of <paramref name="daysPerWeek"/> days.
    /// </summary>
    public virtual (PurchaseHistory History, decimal? MeanRepeatValue) HistoryBeforeLastDay(DateOnly end, double daysPerWeek) =>
        Summary.Occasions!.WithoutLastDay(end, daysPerWeek)
        ?? throw new InvalidOperationException($"The stored ledger of {CustomerId} cannot tell its purchases before its last two purchase days.");

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

    private static DateTimeOffset Earliest(DateTimeOffset? known, DateTimeOffset at) => known is { } k && k <= at ? k : at;
}
