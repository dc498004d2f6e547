using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EventCrm.Relationship.Privacy;

namespace EventCrm.Projections.Audit;

/// <summary>
/// The tamper-evidence hash of each event: SHA-256 over its type, its data, its recording time,
/// its provenance (who appended it, its correlation and causation ids: seals made since
/// 2026-12-05; older ones are verified without) and the hash of the stream's previous event (its
/// business time is inside its data). Personal
/// fields (the name and email, and the free text of the types that have some:
/// <see cref="PersonalData.FieldsByType"/>) enter the hash only through their own hashes, so
/// erasing a value (and keeping its hash) leaves the chain verifiable, while changing a value
/// breaks it. Those hashes are keyed with the stream's own secret (HMAC-SHA-256), deleted when the
/// customer is erased: what remains sealed can no longer be checked against a guessed value. Seals
/// made before keys existed keep their plain SHA-256 ("sha256:") and are verified as such; seals
/// made before free text was sealed by its hash (2026-12-05) hold it verbatim, and a free-text
/// field without a sealed hash is verified as such.
/// </summary>
public static class AuditChain
{
    public const string Genesis = "genesis";
    public const string Erased = "[erased]";
    /// <summary>Personal in any event that has them (free text only in the types <see cref="PersonalData.FieldsByType"/> declares it of).</summary>
    public static readonly IReadOnlyList<string> PersonalFields = ["name", "email"];

    public static string Hash(AuditRow row, string previousHash, IReadOnlyDictionary<string, string> personalHashes, byte[]? streamKey,
        bool coversProvenance)
    {
        var recordedAt = row.RecordedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);
        var data = Pseudonymised(row.Type, row.Data, personalHashes, streamKey);
        var text = coversProvenance
            ? string.Join('\n', row.Type, data, recordedAt, Provenance(row), previousHash)
            : string.Join('\n', row.Type, data, recordedAt, previousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Who appended the event, its correlation and causation ids, each as JSON (null when absent), separated by spaces.</summary>
    private static string Provenance(AuditRow row) =>
        string.Join(' ', JsonValue(row.AppendedBy), JsonValue(row.CorrelationId), JsonValue(row.CausationId));

    private static string JsonValue(string? text) => text is null ? "null" : System.Text.Json.JsonSerializer.Serialize(text);

    /// <summary>The keyed hashes of the personal values an event holds now (erased values have none to give).</summary>
    public static IReadOnlyDictionary<string, string> PersonalHashesOf(AuditRow row, byte[] streamKey)
    {
        var hashes = new Dictionary<string, string>();
        foreach (var (field, text) in PersonalValuesOf(row.Type, row.Data)) hashes[field] = Keyed(streamKey, text);
        return hashes;
    }

    /// <summary>
    /// The personal fields of the event that read "[erased]" where its seal holds the hash of a value: erased after the
    /// event was sealed. The verifier accepts them only where the stream records their erasure (<see cref="ErasureOf"/>).
    /// </summary>
    public static IReadOnlyList<string> ErasedSinceSealed(AuditRow row, IReadOnlyDictionary<string, string> sealedHashes)
    {
        if (!MayHoldPersonalData(row.Type, row.Data) || JsonNode.Parse(row.Data) is not JsonObject json) return [];
        return FieldsOf(row.Type).Where(field => sealedHashes.ContainsKey(field) && TextOf(json[field]) == Erased).ToList();
    }

    /// <summary>
    /// What a personal-data-erased event records: when, and which fields it masked in the events before it. Null for
    /// any other event, and for a body that does not read as one (altered by hand: the chain says so at that event).
    /// </summary>
    public static AuditErasure? ErasureOf(AuditRow row)
    {
        if (row.Type != PersonalData.ErasedEventType || JsonNode.Parse(row.Data) is not JsonObject json) return null;
        if (json["fields"] is not JsonArray fields) return null;
        var erasedAt = json["erasedAt"] is JsonValue at && at.TryGetValue<string>(out var text) &&
                       DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var moment)
            ? moment
            : row.RecordedAt;
        return new AuditErasure(row.Sequence, row.Version, erasedAt.ToUniversalTime(),
            fields.Select(f => f is JsonValue v && v.TryGetValue<string>(out var name) ? name : null).OfType<string>().ToList());
    }

    /// <summary>Whether the event holds a personal value not erased yet: its stream needs a key to seal it.</summary>
    public static bool HoldsPersonalValues(AuditRow row) => PersonalValuesOf(row.Type, row.Data).Any();

    private static IEnumerable<(string Field, string Text)> PersonalValuesOf(string type, string data)
    {
        if (!MayHoldPersonalData(type, data) || JsonNode.Parse(data) is not JsonObject json) yield break;
        foreach (var field in FieldsOf(type))
            if (TextOf(json[field]) is { } text && text != Erased) yield return (field, text);
    }

    /// <summary>The name and email wherever they are, and the free-text fields of the types that have some.</summary>
    private static IEnumerable<string> FieldsOf(string type) => PersonalFields.Concat(PersonalData.FieldsOf(type).Except(PersonalFields));

    /// <summary>Whether a personal field's name appears in the text at all: most events (purchases) need no parsing.</summary>
    private static bool MayHoldPersonalData(string type, string data) => FieldsOf(type).Any(field => data.Contains($"\"{field}\"", StringComparison.Ordinal));

    /// <summary>
    /// The data with each personal value replaced by its hash, made the way its seal made it: an
    /// erased value by the sealed hash itself, a value sealed keyed by its keyed hash (none can be
    /// made once the key is gone, so a value put back after an erasure is a mismatch), anything
    /// else by its plain SHA-256.
    /// </summary>
    private static string Pseudonymised(string type, string data, IReadOnlyDictionary<string, string> sealedHashes, byte[]? streamKey)
    {
        if (!MayHoldPersonalData(type, data)) return data;
        if (JsonNode.Parse(data) is not JsonObject json) return data;
        // Free text without a sealed hash (empty, or sealed verbatim before 2026-12-05) stands in the hash as it is.
        var fields = FieldsOf(type).Where(f => json.ContainsKey(f) && (PersonalFields.Contains(f) || sealedHashes.ContainsKey(f))).ToList();
        if (fields.Count == 0) return data;
        foreach (var field in fields)
        {
            var value = TextOf(json[field]);
            var sealedHash = sealedHashes.GetValueOrDefault(field);
            json[field] = value switch
            {
                null => null,
                Erased when sealedHash is not null => sealedHash,
                _ when sealedHash?.StartsWith(KeyedPrefix, StringComparison.Ordinal) == true => streamKey is null ? KeyedPrefix + "no key" : Keyed(streamKey, value),
                _ => Plain(value),
            };
        }
        return json.ToJsonString();
    }

    /// <summary>A personal value as text: a string as itself, anything else (a number, an object put there by hand) as its JSON.</summary>
    private static string? TextOf(JsonNode? value) =>
        value is null ? null : value is JsonValue v && v.TryGetValue<string>(out var text) ? text : value.ToJsonString();

    private const string KeyedPrefix = "hmac:";

    private static string Keyed(byte[] streamKey, string value) => KeyedPrefix + Convert.ToHexStringLower(HMACSHA256.HashData(streamKey, Encoding.UTF8.GetBytes(value)));

    private static string Plain(string value) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    /// <summary>A new stream secret: 32 random bytes.</summary>
    public static byte[] NewStreamKey() => RandomNumberGenerator.GetBytes(32);
}
