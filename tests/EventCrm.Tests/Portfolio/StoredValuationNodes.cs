using System.Text.Json.Nodes;
using Alba;
using EventCrm.Host.Portfolio;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EventCrm.Tests.Portfolio;

/// <summary>
/// The settings and readings of the scenarios where a first node stores its valuation and a second starts over the base:
/// the second node's own valuation is held (the ledgers' table locked), so what it answers can only come from the stored one.
/// </summary>
public static class StoredValuationNodes
{
    /// <summary>The first node: stores every valuation it makes, and makes none but the ones a scenario asks for.</summary>
    public static readonly (string Key, string Value)[] FirstNode =
        [("Portfolio:StoredValuation", "on"), ("Portfolio:StoreValuationEvery", "00:00:00"), ("Portfolio:RefreshAfter", "01:00:00")];

    /// <summary>A node started after it, whose first requests wait <paramref name="firstWait"/> (hh:mm:ss) for something to answer from.</summary>
    public static (string Key, string Value)[] SecondNode(string firstWait) =>
        [("Portfolio:StoredValuation", "on"), ("Portfolio:RefreshAfter", "01:00:00"), ("Portfolio:FirstValuationWait", firstWait)];

    /// <summary>Values the base on <paramref name="node"/> and waits until that valuation is stored.</summary>
    public static async Task<PortfolioSnapshot> ValuedAndStoredAsync(IAlbaHost node)
    {
        var valued = await node.Services.GetRequiredService<PortfolioBase>().RevalueAsync();
        var stored = node.Services.GetRequiredService<StoredValuations>();
        await Waits.Until(() => stored.LastStoredAsOf == valued.AsOf);
        return valued;
    }

    /// <summary>Every portfolio route that reads the valuation, by route (each quadrant's first page too), as the JSON it answered.</summary>
    public static async Task<Dictionary<string, string>> AnswersOf(IAlbaHost node)
    {
        var answers = new Dictionary<string, string>();
        foreach (var route in new[] { "/api/portfolio/segments?members=10", "/api/portfolio/pareto", "/api/data-quality",
                     "/api/kpis?from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z" })
            answers[route] = (await node.GetJson(route)).ToJsonString();
        foreach (var quadrant in EventCrm.Relationship.Portfolio.ValueQuadrantNames.All)
        {
            var route = $"/api/portfolio/segments/{quadrant}/customers";
            answers[route] = (await node.GetJson(route)).ToJsonString();
        }
        return answers;
    }

    public static DateTimeOffset AsOfIn(string answer) => JsonNode.Parse(answer)!["asOf"]!.GetValue<DateTimeOffset>();
}
