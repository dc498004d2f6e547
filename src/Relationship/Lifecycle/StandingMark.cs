namespace EventCrm.Relationship.Lifecycle;

/// <summary>A touchpoint that can change the customer's state: when it happened, its place in the stream, its type.</summary>
public sealed record StandingMark(DateTimeOffset OccurredAt, long Version, string Type);
