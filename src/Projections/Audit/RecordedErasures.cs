using System.Text.Json.Nodes;
using EventCrm.Relationship.Privacy;

namespace EventCrm.Projections.Audit;

/// <summary>
/// The erasures recorded on a stream (its personal-data-erased events) and the fields each masked:
/// a personal value may read "[erased]" in place of its sealed hash only in an event an erasure
/// recorded after it masked. The chain seals those erasure events too, so their list cannot be
/// widened unseen.
/// </summary>
public sealed class RecordedErasures(IEnumerable<AuditRow> rows)
{
    private readonly List<(long Version, IReadOnlyList<string> Fields)> erasures = rows
        .Where(r => r.Type == PersonalData.ErasedEventType)
        .Select(r => (r.Version, FieldsOf(r.Data)))
        .ToList();

    /// <summary>The fields masked by the erasures recorded after <paramref name="version"/> (none when there is none).</summary>
    public IReadOnlySet<string> MaskedAfter(long version) =>
        erasures.Where(e => e.Version > version).SelectMany(e => e.Fields).ToHashSet();

    /// <summary>An erasure stored without its list of fields (an older shape) masked every personal field.</summary>
    private static IReadOnlyList<string> FieldsOf(string data) =>
        JsonNode.Parse(data) is JsonObject json && json["fields"] is JsonArray fields
            ? fields.Select(f => f is JsonValue v && v.TryGetValue<string>(out var name) ? name : null).OfType<string>().ToList()
            : PersonalData.Fields;
}
