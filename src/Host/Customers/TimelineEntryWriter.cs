using System.Text.Json;
using System.Text.Json.Serialization;
using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Host.Customers;

/// <summary>
/// Writes a timeline line straight to the response: the fields every line has, then the
/// touchpoint's own fields as its payload serializes them, without building a JSON tree per line.
/// </summary>
public sealed class TimelineEntryWriter : JsonConverter<TimelineEntry>
{
    private static readonly JsonSerializerOptions Payload = new(JsonSerializerDefaults.Web);
    /// <summary>The fields every line has, before its touchpoint's own (the OpenAPI document requires them: <see cref="TimelineEntriesInOpenApi"/>).</summary>
    public static readonly IReadOnlySet<string> Common = new HashSet<string> { "touchpointId", "type", "occurredAt", "recordedAt", "state", "version" };

    public override TimelineEntry Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Timeline lines are only written.");

    public override void Write(Utf8JsonWriter writer, TimelineEntry entry, JsonSerializerOptions options)
    {
        var touchpoint = entry.Recorded.Touchpoint;
        writer.WriteStartObject();
        writer.WriteString("touchpointId", touchpoint.TouchpointId);
        writer.WriteString("type", TouchpointTypes.NameOf(touchpoint));
        writer.WriteString("occurredAt", touchpoint.OccurredAt);
        writer.WriteString("recordedAt", entry.Recorded.RecordedAt);
        writer.WriteString("state", entry.State);
        writer.WriteNumber("version", entry.Recorded.Version);

        var payload = JsonSerializer.SerializeToUtf8Bytes(touchpoint, touchpoint.GetType(), Payload);
        var fields = new Utf8JsonReader(payload);
        fields.Read();
        while (fields.Read() && fields.TokenType == JsonTokenType.PropertyName)
        {
            var name = fields.GetString()!;
            fields.Read();
            var start = (int)fields.TokenStartIndex;
            fields.Skip();
            if (Common.Contains(name)) continue;
            writer.WritePropertyName(name);
            writer.WriteRawValue(payload.AsSpan(start, (int)fields.BytesConsumed - start), skipInputValidation: true);
        }
        writer.WriteEndObject();
    }
}
