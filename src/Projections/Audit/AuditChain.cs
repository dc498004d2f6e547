using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace EventCrm.Projections.Audit;

/// <summary>
/// The tamper-evidence hash of each event: SHA-256 over its type, its data, its recording time
/// and the hash of the stream's previous event (its business time is inside its data). Personal
/// fields enter the hash only through their own hashes, so erasing a value (and keeping its hash)
/// leaves the chain verifiable, while changing a value breaks it.
/// </summary>
public static class AuditChain
{
    public const string Genesis = "genesis";
    public const string Erased = "[erased]";
    public static readonly IReadOnlyList<string> PersonalFields = ["name", "email"];

    public static string Hash(AuditRow row, string previousHash, IReadOnlyDictionary<string, string> personalHashes)
    {
        var text = string.Join('\n', row.Type, Pseudonymised(row.Data, personalHashes),
            row.RecordedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture), previousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The hashes of the personal values an event holds now (erased values have none to give).</summary>
    public static IReadOnlyDictionary<string, string> PersonalHashesOf(string data)
    {
        if (!MayHoldPersonalData(data)) return NoHashes;
        var json = JsonNode.Parse(data)?.AsObject();
        var hashes = new Dictionary<string, string>();
        if (json is null) return hashes;
        foreach (var field in PersonalFields)
        {
            if (TextOf(json[field]) is { } text && text != Erased) hashes[field] = HashOf(text);
        }
        return hashes;
    }

    private static readonly IReadOnlyDictionary<string, string> NoHashes = new Dictionary<string, string>();

    /// <summary>Whether a personal field's name appears in the text at all: most events (purchases, calls) need no parsing.</summary>
    private static bool MayHoldPersonalData(string data) => PersonalKeys.Any(key => data.Contains(key, StringComparison.Ordinal));

    private static readonly string[] PersonalKeys = PersonalFields.Select(field => $"\"{field}\"").ToArray();

    private static string Pseudonymised(string data, IReadOnlyDictionary<string, string> sealedHashes)
    {
        if (!MayHoldPersonalData(data)) return data;
        var json = JsonNode.Parse(data)?.AsObject();
        if (json is null || !PersonalFields.Any(json.ContainsKey)) return data;
        foreach (var field in PersonalFields.Where(json.ContainsKey))
        {
            var value = TextOf(json[field]);
            json[field] = value == Erased && sealedHashes.TryGetValue(field, out var sealedHash) ? sealedHash : value is null ? null : HashOf(value);
        }
        return json.ToJsonString();
    }

    /// <summary>A personal value as text: a string as itself, anything else (a number, an object put there by hand) as its JSON.</summary>
    private static string? TextOf(JsonNode? value) =>
        value is null ? null : value is JsonValue v && v.TryGetValue<string>(out var text) ? text : value.ToJsonString();

    private static string HashOf(string value) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
