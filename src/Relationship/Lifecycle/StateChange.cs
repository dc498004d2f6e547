namespace EventCrm.Relationship.Lifecycle;

/// <summary>The customer's state from a moment of business time on.</summary>
public sealed record StateChange(DateTimeOffset At, string State);
