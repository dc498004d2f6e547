using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EventCrm.Tests.EventLog;

/// <summary>
/// The examples of docs/events.md, read from the document itself (copied beside the tests when
/// they are built), so that the catalog the data teams read is the one the tests hold to the code:
/// under each heading <c>### `type-name`</c>, the first <c>```json</c> block is that type's
/// <c>data</c> as stored.
/// </summary>
public static partial class EventCatalog
{
    public static string DocumentPath => Path.Combine(AppContext.BaseDirectory, "Docs", "events.md");

    public static IReadOnlyDictionary<string, JsonObject> Examples() => ExamplesIn(File.ReadAllLines(DocumentPath));

    public static IReadOnlyDictionary<string, JsonObject> ExamplesIn(IReadOnlyList<string> lines)
    {
        var examples = new Dictionary<string, JsonObject>();
        string? type = null;
        for (var i = 0; i < lines.Count; i++)
        {
            if (TypeHeading().Match(lines[i]) is { Success: true } heading) { type = heading.Groups[1].Value; continue; }
            if (lines[i].StartsWith('#')) { type = null; continue; }
            if (type is null || lines[i].Trim() != "```json") continue;
            var end = i + 1;
            while (lines[end].Trim() != "```") end++;
            var json = string.Join('\n', lines.Skip(i + 1).Take(end - i - 1));
            if (!examples.TryAdd(type, JsonNode.Parse(json)!.AsObject()))
                throw new InvalidOperationException($"docs/events.md gives `{type}` two examples");
            (type, i) = (null, end);
        }
        return examples;
    }

    [GeneratedRegex(@"^### `([a-z-]+)`\s*$")]
    private static partial Regex TypeHeading();
}
