using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EventCrm.Relationship.Value;

/// <summary>
/// Reads a stored <see cref="CustomerLedger"/> as the kind its document is, which no type name in it
/// says (Marten's table holds one document type): one with a summary is a ledger as stored; one stored
/// before 2026-12-06, with every line and no summary, a <see cref="FoldedLedger"/> (docs/projections.md,
/// "Upgrading to the summarised ledger"). Both kinds write the same shape: the summary, no lines.
/// Registered in the store's serializer options rather than on the type, so that it can read the
/// ledger itself with those options less itself.
/// </summary>
public sealed class CustomerLedgerJson : JsonConverter<CustomerLedger>
{
    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> WithoutThis = new();

    public override CustomerLedger? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        HasSummary(reader, options)
            ? JsonSerializer.Deserialize<CustomerLedger>(ref reader, Plain(options))
            : JsonSerializer.Deserialize<FoldedLedger>(ref reader, Plain(options));

    public override void Write(Utf8JsonWriter writer, CustomerLedger value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, value.GetType(), Plain(options));

    private JsonSerializerOptions Plain(JsonSerializerOptions options) => WithoutThis.GetValue(options, o =>
    {
        var plain = new JsonSerializerOptions(o);
        plain.Converters.Remove(this);
        return plain;
    });

    /// <summary>Looks through the object's own properties on a copy of the reader (a converter is handed the whole value, buffered).</summary>
    private static bool HasSummary(Utf8JsonReader probe, JsonSerializerOptions options)
    {
        if (probe.TokenType != JsonTokenType.StartObject) return false;
        var name = options.PropertyNamingPolicy?.ConvertName(nameof(CustomerLedger.Summary)) ?? nameof(CustomerLedger.Summary);
        while (probe.Read() && probe.TokenType == JsonTokenType.PropertyName)
        {
            var found = options.PropertyNameCaseInsensitive
                ? string.Equals(probe.GetString(), name, StringComparison.OrdinalIgnoreCase)
                : probe.ValueTextEquals(name);
            probe.Read();
            if (found) return probe.TokenType != JsonTokenType.Null;
            probe.Skip();
        }
        return false;
    }
}
