using System.Text.Json;

namespace EventCrm.Host.Infrastructure;

/// <summary>An event as stored that this code cannot read: nothing is worked out from it (a 500 naming the event's type and the field).</summary>
public sealed class StoredEventUnreadableException(Type eventType, JsonException cause) : Exception(
    $"A stored {eventType.Name} event cannot be read: {cause.Message} Nothing is worked out from a history this code cannot " +
    "read in full; docs/events.md, \"Evolving an event\", says how an event stored in an older shape is read.", cause)
{
    public Type EventType { get; } = eventType;
}
