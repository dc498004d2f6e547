using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Relationship.Privacy;

/// <summary>
/// Recorded by the service on the customer's stream when their personal data was erased (never
/// accepted from callers): who asked, when, and how many events were masked. It carries no
/// personal value and is not a touchpoint, so the ledger, values and timeline do not count it.
/// </summary>
/// <param name="Fields">The personal fields whose values this erasure masked (all five in erasures recorded before 2026-12-05, whatever was there).</param>
/// <param name="EventsKept">Events still holding free text, sealed verbatim before 2026-12-05, that masking would break the audit chain of.</param>
public sealed record PersonalDataErased(DateTimeOffset ErasedAt, string RequestedBy, IReadOnlyList<string> Fields, int EventsMasked, int EventsKept = 0);

/// <summary>The personal fields an erasure may mask, by their JSON names: a closed set (<c>fields</c> of the erasure's answer).</summary>
public static class PersonalFields
{
    public const string Name = "name";
    public const string Email = "email";
    public const string Source = "source";
    public const string Reason = "reason";
    public const string Purpose = "purpose";
    /// <summary>A signup's channel, erased since 2026-12-07 (evening): typed freely per customer ("referred by neighbour Jane Doe"), counted in no figure.</summary>
    public const string Channel = "channel";
}

/// <summary>
/// A text field of a touchpoint declared not personal (<see cref="PersonalData.NotPersonalByType"/>), by its JSON name,
/// and why: an erasure leaves it in the events, the documents, the timeline and the export, and the audit chain seals
/// it as it is, so the API's users must keep it free of personal data (docs/privacy.md, "What is personal").
/// </summary>
public sealed record NotPersonal(string Field, string Why)
{
    /// <summary>A key the value history and the audit chain hang on: opaque (<c>cust-8412</c>, a UUID), never a name or an email.</summary>
    public static NotPersonal Id(string field) =>
        new(field, "an id the value history and the audit chain hang on, which the API's users keep opaque");

    /// <summary>A grouping the figures add up by (a segment, a category, a promotion): masking one customer's would move their figures into another cell.</summary>
    public static NotPersonal SharedLabel(string field) =>
        new(field, "a label shared across customers, which the figures add up by: masking one customer's would change every total");

    /// <summary>Written by the service from its own rules and figures, never typed by a person.</summary>
    public static NotPersonal WrittenByTheService(string field) =>
        new(field, "written by the service from its own rules and figures, never typed by a person");
}

/// <summary>What an erasure answers it did: a closed set (<c>result</c> of the erasure's answer).</summary>
public static class ErasureResults
{
    public const string Erased = "erased";
    public const string AlreadyErased = "already-erased";
}

/// <summary>
/// What is personal in a customer's events and how it is erased (docs/privacy.md): the name and
/// email of lead-captured and signed-up, and the free text people write (a lead's source, a
/// signup's channel, the reason of a support call, a cancellation request, its withdrawal or a churn,
/// the purpose of a visit), which may name or describe a person; each replaced by the literal
/// <see cref="Erased"/> (a free-text field left empty stays empty). Every other field (amounts,
/// dates, segment, categories, promotion and order ids) stays as it was, so values do not change:
/// those are labels shared across customers (a spend cell adds up every customer of a category),
/// which the API's users must keep free of personal data.
/// </summary>
public static class PersonalData
{
    /// <summary>What an erased value reads; the audit chain recognises it (AuditChain.Erased).</summary>
    public const string Erased = "[erased]";

    public const string ErasedEventType = "personal-data-erased";

    /// <summary>The JSON names of the personal fields, as stored in the events.</summary>
    public static readonly IReadOnlyList<string> Fields =
        [PersonalFields.Name, PersonalFields.Email, PersonalFields.Source, PersonalFields.Reason, PersonalFields.Purpose, PersonalFields.Channel];

    /// <summary>
    /// The personal fields of every touchpoint type, by the type's stored name (<see cref="TouchpointTypes.ByName"/>):
    /// each type is here, those without any with <c>[]</c>, so that a type added to the registry and not classified
    /// stops the service's start (<see cref="PersonalDataClassification"/>) instead of leaking its names past an
    /// erasure. Its other text fields are declared not personal in <see cref="NotPersonalByType"/>. Classify a type
    /// before its first event is appended: the audit seal of an event keeps the hash of a field classified then, and
    /// holds a field classified later verbatim, which an erasure then keeps (docs/privacy.md).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> FieldsByType = new Dictionary<string, IReadOnlyList<string>>
    {
        [TouchpointTypes.LeadCaptured] = [PersonalFields.Name, PersonalFields.Email, PersonalFields.Source],
        // The channel since 2026-12-07 (evening): signups sealed before hold their channel verbatim in their seal, and keep it (EventsKept).
        [TouchpointTypes.SignedUp] = [PersonalFields.Name, PersonalFields.Email, PersonalFields.Channel],
        [TouchpointTypes.Purchase] = [],
        [TouchpointTypes.Refund] = [],
        [TouchpointTypes.SupportCall] = [PersonalFields.Reason],
        [TouchpointTypes.Visit] = [PersonalFields.Purpose],
        [TouchpointTypes.PromotionOffered] = [],
        [TouchpointTypes.PromotionAccepted] = [],
        [TouchpointTypes.PromotionDeclined] = [],
        [TouchpointTypes.CancellationRequested] = [PersonalFields.Reason],
        [TouchpointTypes.CancellationWithdrawn] = [PersonalFields.Reason],
        [TouchpointTypes.Churned] = [PersonalFields.Reason],
        // Written by the service from its own rules and figures, never typed by a person.
        [TouchpointTypes.RetentionOfferMade] = [],
        [TouchpointTypes.RetentionNotOffered] = [],
        [TouchpointTypes.RetentionOfferAccepted] = [],
        [TouchpointTypes.RetentionOfferDeclined] = [],
        [TouchpointTypes.RetentionOfferExpired] = [],
    };

    /// <summary>
    /// Every text field of each touchpoint type that is not personal, by the type's stored name, each with why
    /// (<see cref="NotPersonal"/>): with <see cref="FieldsByType"/> the two declare every text property of every record
    /// (strings, collections and records holding text), so that a text field added to a record and declared neither
    /// way (a referral's <c>friendName</c>) stops the start (<see cref="PersonalDataClassification"/>) instead of being
    /// neither erased nor masked. A type holding no such field has no entry; <c>touchpointId</c>, which every touchpoint
    /// has, is in <see cref="NotPersonalInEveryTouchpoint"/>. A field named like a personal one (<see cref="Fields"/>)
    /// may be here only in a type the service alone records (<see cref="TouchpointTypes.RecordedByTheService"/>).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<NotPersonal>> NotPersonalByType = new Dictionary<string, IReadOnlyList<NotPersonal>>
    {
        [TouchpointTypes.SignedUp] = [NotPersonal.SharedLabel("segment")],
        [TouchpointTypes.Purchase] = [NotPersonal.Id("orderId"), NotPersonal.SharedLabel("category")],
        [TouchpointTypes.Refund] = [NotPersonal.Id("orderId")],
        [TouchpointTypes.PromotionOffered] = [NotPersonal.SharedLabel("promotionId")],
        [TouchpointTypes.PromotionAccepted] = [NotPersonal.SharedLabel("promotionId")],
        [TouchpointTypes.PromotionDeclined] = [NotPersonal.SharedLabel("promotionId")],
        [TouchpointTypes.CancellationWithdrawn] = [NotPersonal.Id("cancellationTouchpointId")],
        [TouchpointTypes.Churned] = [NotPersonal.Id("cancellationTouchpointId")],
        [TouchpointTypes.RetentionOfferMade] =
        [
            NotPersonal.Id("cancellationTouchpointId"), NotPersonal.Id("offerId"), NotPersonal.WrittenByTheService("rule"),
            NotPersonal.WrittenByTheService("inputs"), NotPersonal.WrittenByTheService("tier"), NotPersonal.WrittenByTheService("formula"),
        ],
        [TouchpointTypes.RetentionNotOffered] =
        [
            // The rule's words for why no offer was made ("no-offer: ..."), for the desk: named like a personal field, and not one.
            NotPersonal.Id("cancellationTouchpointId"), NotPersonal.WrittenByTheService("reason"), NotPersonal.WrittenByTheService("rule"),
            NotPersonal.WrittenByTheService("inputs"), NotPersonal.WrittenByTheService("formula"),
        ],
        [TouchpointTypes.RetentionOfferAccepted] = [NotPersonal.Id("offerId")],
        [TouchpointTypes.RetentionOfferDeclined] = [NotPersonal.Id("offerId")],
        [TouchpointTypes.RetentionOfferExpired] = [NotPersonal.Id("offerId")],
    };

    /// <summary>The text fields of <see cref="ITouchpoint"/> itself, which every touchpoint type has: not personal in any.</summary>
    public static readonly IReadOnlyList<NotPersonal> NotPersonalInEveryTouchpoint = [NotPersonal.Id("touchpointId")];

    /// <summary>The personal fields of a stored event type; none for a type not classified (not a touchpoint).</summary>
    public static IReadOnlyList<string> FieldsOf(string type) => FieldsByType.TryGetValue(type, out var fields) ? fields : [];

    /// <summary>The personal fields that hold a value not erased yet in this event body.</summary>
    public static IReadOnlyList<string> HeldIn(object? data) =>
        ValuesOf(data).Where(v => v.Value is not null && v.Value != Erased).Select(v => v.Field).ToList();

    /// <summary>The personal fields of this event body that read as erased.</summary>
    public static IReadOnlySet<string> ErasedIn(object? data) => ValuesOf(data).Where(v => v.Value == Erased).Select(v => v.Field).ToHashSet();

    private static (string Field, string? Value)[] ValuesOf(object? data) => data switch
    {
        LeadCaptured lead => [("name", lead.Name), ("email", lead.Email), ("source", lead.Source)],
        SignedUp signup => [("name", signup.Name), ("email", signup.Email), ("channel", signup.Channel)],
        SupportCallLogged call => [("reason", call.Reason)],
        VisitMade visit => [("purpose", visit.Purpose)],
        CancellationRequested request => [("reason", request.Reason)],
        CancellationWithdrawn withdrawal => [("reason", withdrawal.Reason)],
        CustomerChurned churn => [("reason", churn.Reason)],
        _ => [],
    };

    /// <summary>Whether an event body still holds a personal value.</summary>
    public static bool Holds(object? data) => HeldIn(data).Count > 0;

    /// <summary>The body with the values of these fields (<see cref="Fields"/>) replaced by <see cref="Erased"/>; a body without personal fields as it is.</summary>
    public static object Erase(object data, IReadOnlySet<string> fields) => data switch
    {
        LeadCaptured lead => lead with { Name = Mask(lead.Name, "name", fields)!, Email = Mask(lead.Email, "email", fields)!, Source = Mask(lead.Source, "source", fields) },
        SignedUp signup => signup with { Name = Mask(signup.Name, "name", fields)!, Email = Mask(signup.Email, "email", fields)!, Channel = Mask(signup.Channel, "channel", fields) },
        SupportCallLogged call => call with { Reason = Mask(call.Reason, "reason", fields) },
        VisitMade visit => visit with { Purpose = Mask(visit.Purpose, "purpose", fields) },
        CancellationRequested request => request with { Reason = Mask(request.Reason, "reason", fields) },
        CancellationWithdrawn withdrawal => withdrawal with { Reason = Mask(withdrawal.Reason, "reason", fields) },
        CustomerChurned churn => churn with { Reason = Mask(churn.Reason, "reason", fields) },
        _ => data,
    };

    /// <summary>Every personal value of the body erased (Marten's masking rules).</summary>
    public static T EraseAll<T>(T data) where T : notnull => (T)Erase(data, AllFields);

    private static readonly IReadOnlySet<string> AllFields = Fields.ToHashSet();

    private static string? Mask(string? value, string field, IReadOnlySet<string> fields) => value is not null && fields.Contains(field) ? Erased : value;
}
