using System.Text.Json.Serialization.Metadata;
using Marten;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// System.Text.Json gives a constructor parameter missing from the JSON its default: an event
/// stored without one of its facts (a purchase without its margin) read as a purchase with a margin
/// of 0, and every value folded from it was wrong without a word. For the store's events, a field
/// that is neither nullable nor given a default is required: such an event fails to read, naming
/// the field, and nothing is valued from it. Fields added later carry a default that means
/// "unknown" (docs/events.md, "Evolving an event"), so the shapes already stored still read.
/// Documents are left as they are: they are folded again from the events.
/// </summary>
public static class StoredFactsRequired
{
    public static void RequireStoredFacts(this StoreOptions opts, BufferedRowSerializer serializer)
    {
        HashSet<Type>? events = null;
        // Read when a type is first deserialized, once every event type is mapped.
        bool IsEvent(Type type) => (events ??= ((IReadOnlyStoreOptions)opts).Events.AllKnownEventTypes().Select(e => e.EventType).ToHashSet()).Contains(type);
        serializer.IsStoredEvent = IsEvent;
        serializer.Configure(json => json.TypeInfoResolver =
            (json.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(info => RequireFacts(info, IsEvent)));
    }

    public static void RequireFacts(JsonTypeInfo info, Func<Type, bool> isEvent)
    {
        if (info.Kind != JsonTypeInfoKind.Object || !isEvent(info.Type)) return;
        foreach (var property in info.Properties)
            if (property.AssociatedParameter is { HasDefaultValue: false, IsNullable: false }) property.IsRequired = true;
    }
}
