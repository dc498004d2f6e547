namespace EventCrm.Relationship.Touchpoints;

/// <summary>
/// Every customer touchpoint carries the caller's idempotency key and the business time at which
/// it happened. The time it was recorded (knowledge time) is the event store's own timestamp.
/// </summary>
public interface ITouchpoint
{
    string TouchpointId { get; }
    DateTimeOffset OccurredAt { get; }
}
