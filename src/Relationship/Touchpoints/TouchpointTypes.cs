namespace EventCrm.Relationship.Touchpoints;

/// <summary>
/// The public name of each touchpoint kind. The same names are used by the HTTP API, exports and
/// as the event type names in the store, so a row of mt_events reads like the API.
/// </summary>
public static class TouchpointTypes
{
    public const string LeadCaptured = "lead-captured";
    public const string SignedUp = "signed-up";
    public const string Purchase = "purchase";
    public const string Refund = "refund";
    public const string SupportCall = "support-call";
    public const string Visit = "visit";
    public const string PromotionOffered = "promotion-offered";
    public const string PromotionAccepted = "promotion-accepted";
    public const string PromotionDeclined = "promotion-declined";
    public const string CancellationRequested = "cancellation-requested";
    public const string CancellationWithdrawn = "cancellation-withdrawn";
    public const string Churned = "churned";
    public const string RetentionOfferMade = "retention-offer-made";
    public const string RetentionNotOffered = "retention-not-offered";
    public const string RetentionOfferAccepted = "retention-offer-accepted";
    public const string RetentionOfferDeclined = "retention-offer-declined";
    public const string RetentionOfferExpired = "retention-offer-expired";

    public static readonly IReadOnlyDictionary<string, Type> ByName = new Dictionary<string, Type>
    {
        [LeadCaptured] = typeof(Touchpoints.LeadCaptured),
        [SignedUp] = typeof(Touchpoints.SignedUp),
        [Purchase] = typeof(PurchaseMade),
        [Refund] = typeof(PurchaseRefunded),
        [SupportCall] = typeof(SupportCallLogged),
        [Visit] = typeof(VisitMade),
        [PromotionOffered] = typeof(Touchpoints.PromotionOffered),
        [PromotionAccepted] = typeof(Touchpoints.PromotionAccepted),
        [PromotionDeclined] = typeof(Touchpoints.PromotionDeclined),
        [CancellationRequested] = typeof(Touchpoints.CancellationRequested),
        [CancellationWithdrawn] = typeof(Touchpoints.CancellationWithdrawn),
        [Churned] = typeof(CustomerChurned),
        [RetentionOfferMade] = typeof(Touchpoints.RetentionOfferMade),
        [RetentionNotOffered] = typeof(Touchpoints.RetentionNotOffered),
        [RetentionOfferAccepted] = typeof(Touchpoints.RetentionOfferAccepted),
        [RetentionOfferDeclined] = typeof(Touchpoints.RetentionOfferDeclined),
        [RetentionOfferExpired] = typeof(Touchpoints.RetentionOfferExpired),
    };

    private static readonly Dictionary<Type, string> NameByType = ByName.ToDictionary(p => p.Value, p => p.Key);

    public static string NameOf(ITouchpoint touchpoint) => NameOf(touchpoint.GetType());

    public static string NameOf(Type touchpointType) =>
        NameByType.TryGetValue(touchpointType, out var name)
            ? name
            : throw new ArgumentException($"{touchpointType.Name} is not a registered touchpoint type");

    /// <summary>What a retention desk may record without the ingest role: the outcomes of the requests to cancel it handles.</summary>
    public static readonly IReadOnlySet<string> RecordedByTheDesk = new HashSet<string> { RetentionOfferAccepted, RetentionOfferDeclined, Churned, CancellationWithdrawn };

    /// <summary>What only the service records, as the outcome of its own assessments: never accepted from callers.</summary>
    public static readonly IReadOnlySet<string> RecordedByTheService = new HashSet<string> { RetentionOfferMade, RetentionNotOffered, RetentionOfferExpired };

    /// <summary>Touchpoints that may open a customer's stream; any other needs a known customer.</summary>
    public static bool CanStartStream(ITouchpoint touchpoint) => touchpoint is Touchpoints.LeadCaptured or Touchpoints.SignedUp;
}
