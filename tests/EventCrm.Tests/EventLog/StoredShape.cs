using System.Text.Json;
using System.Text.Json.Nodes;

namespace EventCrm.Tests.EventLog;

/// <summary>
/// How an event's stored <c>data</c> differs from the catalog's example: every field name at
/// every level and every value's JSON kind must agree; values too, except those under a path
/// that varies from one append to the next (ids, times, figures the service computes).
/// </summary>
public static class StoredShape
{
    public static List<string> Differences(JsonNode? example, JsonNode? stored, IReadOnlySet<string> varying) =>
        Compare(example, stored, "", varying).ToList();

    private static IEnumerable<string> Compare(JsonNode? example, JsonNode? stored, string path, IReadOnlySet<string> varying)
    {
        var at = path.Length == 0 ? "data" : path;
        var (expectedKind, storedKind) = (KindOf(example), KindOf(stored));
        if (expectedKind != storedKind)
        {
            yield return $"{at}: the catalog shows {expectedKind}, the store holds {storedKind}";
            yield break;
        }
        var varies = varying.Any(v => path == v || path.StartsWith(v + ".", StringComparison.Ordinal) || path.StartsWith(v + "[", StringComparison.Ordinal));
        switch (example)
        {
            case JsonObject expected:
                var actual = stored!.AsObject();
                foreach (var name in expected.Select(p => p.Key).Except(actual.Select(p => p.Key)))
                    yield return $"{Join(path, name)}: in the catalog, not stored";
                foreach (var name in actual.Select(p => p.Key).Except(expected.Select(p => p.Key)))
                    yield return $"{Join(path, name)}: stored, not in the catalog";
                foreach (var (name, value) in expected.Where(p => actual.ContainsKey(p.Key)))
                    foreach (var difference in Compare(value, actual[name], Join(path, name), varying)) yield return difference;
                break;
            case JsonArray expectedItems:
                var storedItems = stored!.AsArray();
                if (!varies && expectedItems.Count != storedItems.Count)
                    yield return $"{at}: the catalog shows {expectedItems.Count} items, the store holds {storedItems.Count}";
                for (var i = 0; i < Math.Min(expectedItems.Count, storedItems.Count); i++)
                    foreach (var difference in Compare(expectedItems[i], storedItems[i], $"{path}[{i}]", varying)) yield return difference;
                break;
            case JsonValue when !varies && !SameValue(example, stored):
                yield return $"{at}: the catalog shows {example.ToJsonString()}, the store holds {stored!.ToJsonString()}";
                break;
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    /// <summary>Numbers by value (250 and 250.0 are one number), the rest as JSON.</summary>
    private static bool SameValue(JsonNode? a, JsonNode? b) =>
        KindOf(a) == "a number"
            ? a!.GetValue<decimal>() == b!.GetValue<decimal>()
            : JsonNode.DeepEquals(a, b);

    private static string KindOf(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Number => "a number",
            JsonValueKind.String => "a string",
            _ => "null",
        },
    };
}
