namespace EventCrm.Relationship.Touchpoints;

// The events of one customer stream. Never rename one once shipped: add a new version instead.

public sealed record LeadCaptured(
    string TouchpointId, DateTimeOffset OccurredAt, string Name, string Email, string? Source) : ITouchpoint;

public sealed record SignedUp(
    string TouchpointId, DateTimeOffset OccurredAt, string Name, string Email, string Segment,
    string? Channel, decimal AcquisitionCost) : ITouchpoint;

public sealed record PurchaseMade(
    string TouchpointId, DateTimeOffset OccurredAt, string OrderId, decimal Amount, decimal Margin,
    string Category) : ITouchpoint;

public sealed record PurchaseRefunded(
    string TouchpointId, DateTimeOffset OccurredAt, string OrderId, decimal Amount, decimal Margin) : ITouchpoint;

public sealed record SupportCallLogged(
    string TouchpointId, DateTimeOffset OccurredAt, int DurationMinutes, decimal Cost, string? Reason,
    bool Resolved) : ITouchpoint;

public sealed record VisitMade(
    string TouchpointId, DateTimeOffset OccurredAt, decimal Cost, string? Purpose) : ITouchpoint;

public sealed record PromotionOffered(
    string TouchpointId, DateTimeOffset OccurredAt, string PromotionId, decimal Cost) : ITouchpoint;

public sealed record PromotionAccepted(
    string TouchpointId, DateTimeOffset OccurredAt, string PromotionId, decimal DiscountAmount) : ITouchpoint;

public sealed record PromotionDeclined(
    string TouchpointId, DateTimeOffset OccurredAt, string PromotionId) : ITouchpoint;

public sealed record CancellationRequested(
    string TouchpointId, DateTimeOffset OccurredAt, string? Reason) : ITouchpoint;

/// <summary>The client has left: posted by a client or the desk, or recorded by the service with an offer's expiry.</summary>
/// <param name="CancellationTouchpointId">
/// The request to cancel the churn answers (the desk's "Let the client go"), since 2026-12-06: the churn is then
/// accepted only while that request is pending (IngestionDecision). Null when it names none: churns stored before,
/// a client leaving with no request, the churn an offer's expiry records (the expiry answered the request).
/// </param>
public sealed record CustomerChurned(
    string TouchpointId, DateTimeOffset OccurredAt, string? Reason, string? CancellationTouchpointId = null) : ITouchpoint;

// Retention: the service assesses every cancellation request; the desk records the outcome.

/// <param name="Tier">
/// The retention tier the offer was sized by, as figures, since 2026-12-07. Null in offers recorded before, which have it
/// only in their rule's words and their inputs: read them with <see cref="Retention.OfferReason.TierOf"/>.
/// </param>
/// <param name="Formula">
/// The formula version the client was valued under ("retention-ltv@0"), since 2026-12-07 (afternoon). Null in decisions
/// recorded before, which name it only at their rule's end: read it with <see cref="Retention.OfferReason.FormulaOf"/>.
/// </param>
public sealed record RetentionOfferMade(
    string TouchpointId, DateTimeOffset OccurredAt, string CancellationTouchpointId, string OfferId, decimal Amount, decimal Cost,
    DateTimeOffset ExpiresAt, string Rule, IReadOnlyDictionary<string, decimal> Inputs, Retention.OfferTier? Tier = null,
    string? Formula = null) : ITouchpoint;

/// <param name="Formula">As an offer's <see cref="RetentionOfferMade.Formula"/>.</param>
public sealed record RetentionNotOffered(
    string TouchpointId, DateTimeOffset OccurredAt, string CancellationTouchpointId, string Reason, string Rule,
    IReadOnlyDictionary<string, decimal> Inputs, string? Formula = null) : ITouchpoint;

public sealed record RetentionOfferAccepted(string TouchpointId, DateTimeOffset OccurredAt, string OfferId) : ITouchpoint;

public sealed record RetentionOfferDeclined(string TouchpointId, DateTimeOffset OccurredAt, string OfferId) : ITouchpoint;

public sealed record RetentionOfferExpired(string TouchpointId, DateTimeOffset OccurredAt, string OfferId) : ITouchpoint;

/// <summary>
/// The client who asked to cancel stays, no retention offer open (none was made, or the desk talked
/// them out of it): the request is withdrawn, the client active again. It costs nothing.
/// </summary>
/// <param name="CancellationTouchpointId">The request withdrawn: the client's latest request to cancel.</param>
public sealed record CancellationWithdrawn(
    string TouchpointId, DateTimeOffset OccurredAt, string CancellationTouchpointId, string? Reason) : ITouchpoint;
