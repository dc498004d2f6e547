using System.Text.Json.Nodes;
using EventCrm.Host.Portfolio;
using EventCrm.Tests.Portfolio;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace EventCrm.Tests.Privacy;

/// <summary>The base of <see cref="SmallPortfolio"/> in a schema of its own, served by a second node too; no node values it again on its own.</summary>
public sealed class ErasedOnAnotherNode() : SmallPortfolio("eventcrm_privacy_nodes", when_a_customer_is_erased_on_another_node.NoRevaluation);

/// <summary>
/// Each node answers the portfolio from a valuation of its own, and it holds every customer's name and email. The node
/// that served an erasure redacted its own at once, but every other node kept listing the erased name and email (the
/// segments' members, a quadrant's page, data quality's duplicate key) until its next valuation: some 5 minutes at a
/// million customers. Now every answer first redacts the customers erased since its valuation was begun.
/// </summary>
public class when_a_customer_is_erased_on_another_node(ErasedOnAnotherNode portfolio) : IClassFixture<ErasedOnAnotherNode>
{
    // No valuation within the scenario but the ones it asks for: a node answers from the one it made before the erasure.
    public static readonly (string Key, string Value)[] NoRevaluation = [("Portfolio:RefreshAfter", "01:00:00")];

    [Fact]
    public async Task the_other_nodes_very_next_portfolio_answers_hold_no_erased_name_nor_email()
    {
        var nodeA = portfolio.Host;
        await using var nodeB = await AppFixture.StartHost(portfolio.Schema, NoRevaluation);
        await nodeA.Services.GetRequiredService<PortfolioBase>().RevalueAsync();
        var valuedB = await nodeB.Services.GetRequiredService<PortfolioBase>().RevalueAsync();

        // Node B's valuation lists Eve Eden (E), whose email is F's but for its case: one duplicate group of two.
        var before = await Answers(nodeB);
        before.Segments.ShouldContain("Eve Eden");
        before.QuadrantPages.ShouldContain("Eve Eden");
        DuplicateGroups(before.DataQuality).ShouldBe(["email eve@example.com: E,F"]);

        await nodeA.PostJson("/api/customers/E/erasure", new { }, 200);

        var after = await Answers(nodeB);
        after.AsOf.ShouldBe(valuedB.AsOf, "answered from the valuation made before the erasure, not from a new one");
        foreach (var answer in new[] { after.Segments, after.QuadrantPages, after.DataQuality.ToJsonString() })
        {
            answer.ShouldNotContain("Eve Eden");
            answer.ShouldNotContain("eve@example.com", Case.Insensitive);
        }
        NameOfE(JsonNode.Parse(after.Segments)!).ShouldBe("[erased]");
        // F alone: no duplicate left, of the six records none (0 of 6).
        DuplicateGroups(after.DataQuality).ShouldBeEmpty();
        after.DataQuality["analysis"]!["duplicates"]!["rate"]!.GetValue<decimal>().ShouldBe(0m);
    }

    private static async Task<(DateTimeOffset AsOf, string Segments, string QuadrantPages, JsonNode DataQuality)> Answers(Alba.IAlbaHost node)
    {
        var segments = await node.GetJson("/api/portfolio/segments?members=10");
        var pages = new List<string>();
        foreach (var quadrant in ValueQuadrantNamesOf(segments))
            pages.Add((await node.GetJson($"/api/portfolio/segments/{quadrant}/customers")).ToJsonString());
        return (segments["asOf"]!.GetValue<DateTimeOffset>(), segments.ToJsonString(), string.Join('\n', pages), await node.GetJson("/api/data-quality"));
    }

    private static IEnumerable<string> ValueQuadrantNamesOf(JsonNode segments) =>
        segments["analysis"]!["quadrants"]!.AsArray().Select(q => q!["name"]!.GetValue<string>());

    private static string? NameOfE(JsonNode segments) => segments["analysis"]!["quadrants"]!.AsArray()
        .SelectMany(q => q!["customers"]!.AsArray()).Single(c => c!["customerId"]!.GetValue<string>() == "E")!["name"]!.GetValue<string>();

    private static List<string> DuplicateGroups(JsonNode dataQuality) => dataQuality["analysis"]!["duplicates"]!["groups"]!.AsArray()
        .Select(g => $"{g!["kind"]!.GetValue<string>()} {g["key"]!.GetValue<string>()}: {string.Join(',', g["customerIds"]!.AsArray().Select(id => id!.GetValue<string>()).Order(StringComparer.Ordinal))}")
        .ToList();
}
