using System.Text.Json.Nodes;
using Alba;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Sharding;

/// <summary>Compares what the sharded and the single-database Hosts answer to the same request.</summary>
public static class SameAnswers
{
    /// <summary>When each Host recorded a touchpoint: the only thing that legitimately differs between the two Hosts.</summary>
    private static readonly HashSet<string> RecordingTimes = ["lastRecordedAt", "recordedAt"];

    public static async Task ShouldAnswerAlike(this TwoDatabases bases, string url)
    {
        var sharded = Comparable(await bases.Sharded.GetJson(url));
        var single = Comparable(await bases.Single.GetJson(url));
        sharded.ShouldBe(single, url);
    }

    /// <summary>
    /// The answer without recording times, and with every moment of the last hour (the clock of
    /// each Host: "now", offers expiring, the cancellations posted by the fixture) as one word:
    /// the seeded business history is in 2024 and 2025, so nothing else is that recent.
    /// </summary>
    public static string Comparable(JsonNode node) => Normalised(node.DeepClone())!.ToJsonString();

    private static JsonNode? Normalised(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var name in o.Select(p => p.Key).Where(RecordingTimes.Contains).ToList()) o.Remove(name);
                foreach (var name in o.Where(p => IsRecent(p.Value)).Select(p => p.Key).ToList()) o[name] = "recent";
                foreach (var (_, value) in o) Normalised(value);
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    if (IsRecent(a[i])) a[i] = "recent";
                    else Normalised(a[i]);
                break;
        }
        return node;
    }

    private static bool IsRecent(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var text) && text.Length >= 20
        && DateTimeOffset.TryParse(text, out var moment) && moment > DateTimeOffset.UtcNow.AddHours(-1);
}
