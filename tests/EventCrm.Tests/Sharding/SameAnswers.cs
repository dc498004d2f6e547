using System.Text.Json.Nodes;
using Alba;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Sharding;

/// <summary>Compares what the sharded and the single-database Hosts answer to the same request.</summary>
public static class SameAnswers
{
    /// <summary>
    /// What legitimately differs between the two Hosts: when each recorded a touchpoint, in which request, in which order, and in which
    /// database ("db1" against "default": the audit names the database whose numbering a <c>sequence</c> is in; an exported row's
    /// <c>database</c>, which the single-database Host does not write).
    /// </summary>
    private static readonly HashSet<string> RecordingTimes = ["lastRecordedAt", "recordedAt", "traceId", "correlationId", "causationId", "sequence", "database"];

    public static async Task ShouldAnswerAlike(this TwoDatabases bases, string url, int expectedStatus = 200) =>
        (await bases.Sharded.GetJson(url, expectedStatus), await bases.Single.GetJson(url, expectedStatus)).ShouldBeAlike(url);

    /// <summary>
    /// Alike: the same normalised JSON, numbers within a relative 1e-4. Values "now" move by the
    /// second between the two Hosts' requests, and sums over customers read in a different order
    /// differ in the last bits of a double; a customer missing from one database is a far larger gap.
    /// </summary>
    public static void ShouldBeAlike(this (JsonNode Sharded, JsonNode Single) answers, string what)
    {
        var (sharded, single) = (Normalised(answers.Sharded.DeepClone()), Normalised(answers.Single.DeepClone()));
        Difference(sharded, single, "$").ShouldBeNull($"{what}\nsharded: {sharded!.ToJsonString()}\nsingle:  {single!.ToJsonString()}");
    }

    private static string? Difference(JsonNode? a, JsonNode? b, string path) => (a, b) switch
    {
        (JsonObject x, JsonObject y) => x.Count != y.Count || x.Any(p => !y.ContainsKey(p.Key))
            ? $"{path}: properties {string.Join(",", x.Select(p => p.Key))} vs {string.Join(",", y.Select(p => p.Key))}"
            : x.Select(p => Difference(p.Value, y[p.Key], $"{path}.{p.Key}")).FirstOrDefault(d => d is not null),
        (JsonArray x, JsonArray y) => x.Count != y.Count
            ? $"{path}: {x.Count} items vs {y.Count}"
            : x.Select((item, i) => Difference(item, y[i], $"{path}[{i}]")).FirstOrDefault(d => d is not null),
        (JsonValue x, JsonValue y) when x.GetValueKind() == System.Text.Json.JsonValueKind.Number && y.GetValueKind() == System.Text.Json.JsonValueKind.Number =>
            Close(x.GetValue<double>(), y.GetValue<double>()) ? null : $"{path}: {x} vs {y}",
        _ => a?.ToJsonString() == b?.ToJsonString() ? null : $"{path}: {a?.ToJsonString()} vs {b?.ToJsonString()}",
    };

    private static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-4 * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));

    /// <summary>
    /// The answer without recording times, and with every moment of the last hour (the clock of
    /// each Host: "now", offers expiring, the cancellations posted by the fixture) as one word:
    /// the seeded business history is in 2024 and 2025, so nothing else is that recent.
    /// </summary>
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
