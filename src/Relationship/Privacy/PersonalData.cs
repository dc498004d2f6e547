using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Relationship.Privacy;

/// <summary>
/// Recorded by the service on the customer's stream when their personal data was erased (never
/// accepted from callers): who asked, when, and how many events were masked. It carries no
/// personal value and is not a touchpoint, so the ledger, values and timeline do not count it.
/// </summary>
public sealed record PersonalDataErased(DateTimeOffset ErasedAt, string RequestedBy, IReadOnlyList<string> Fields, int EventsMasked);

/// <summary>
/// What is personal in a customer's events and how it is erased (docs/privacy.md): the name and
/// email of lead-captured and signed-up, replaced by the literal <see cref="Erased"/>. Every other
/// field (amounts, dates, segment, categories, ids) stays as it was, so values do not change.
/// </summary>
public static class PersonalData
{
    /// <summary>What an erased value reads; the audit chain recognises it (AuditChain.Erased).</summary>
    public const string Erased = "[erased]";

    public const string ErasedEventType = "personal-data-erased";

    /// <summary>The JSON names of the personal fields, as stored in the events.</summary>
    public static readonly IReadOnlyList<string> Fields = ["name", "email"];

    /// <summary>Whether an event body still holds a personal value.</summary>
    public static bool Holds(object? data) => data switch
    {
        LeadCaptured lead => lead.Name != Erased || lead.Email != Erased,
        SignedUp signup => signup.Name != Erased || signup.Email != Erased,
        _ => false,
    };

    public static LeadCaptured Erase(LeadCaptured lead) => lead with { Name = Erased, Email = Erased };

    public static SignedUp Erase(SignedUp signup) => signup with { Name = Erased, Email = Erased };
}
