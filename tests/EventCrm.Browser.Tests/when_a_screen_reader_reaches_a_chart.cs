using System.Text.Json;
using System.Text.RegularExpressions;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The desk's value chart and the portfolio's Pareto chart were named by their aria-label and described by a &lt;title&gt;
/// of the same words: a screen reader read each sentence twice (until 2026-12-07). Each is named once, not described again.
/// </summary>
public class when_a_screen_reader_reaches_a_chart(BrowserFixture app)
{
    [Fact]
    public async Task the_value_chart_is_named_once_and_not_described_in_the_same_words()
    {
        await app.WithDesk(nameof(the_value_chart_is_named_once_and_not_described_in_the_same_words), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);
            var chart = desk.Page.Locator("#value-chart").GetByRole(AriaRole.Img);

            await Expect(chart).ToHaveAccessibleNameAsync(new Regex("^Value after each of"));
            var (_, description) = (await Images(desk.Page)).ShouldHaveSingleItem();
            description.ShouldBeNullOrEmpty("the chart is described in the words of its name");
        });
    }

    [Fact]
    public async Task the_pareto_chart_is_named_once_and_not_described_in_the_same_words()
    {
        await app.WithDesk(nameof(the_pareto_chart_is_named_once_and_not_described_in_the_same_words), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            var chart = desk.Page.Locator("#pareto-chart").GetByRole(AriaRole.Img);

            await Expect(chart).ToHaveAccessibleNameAsync(new Regex("^The top .* of revenue and .* of profit\\.$"));
            var (_, description) = (await Images(desk.Page)).ShouldHaveSingleItem();
            description.ShouldBeNullOrEmpty("the chart is described in the words of its name");
        }, path: "/portfolio.html");
    }

    /// <summary>
    /// The chart's axis and legend texts were in the accessibility tree inside the image, each read apart after its label
    /// (until 2026-12-07): the label is the one thing read, nothing inside it is exposed.
    /// </summary>
    [Fact]
    public async Task the_charts_label_is_the_one_thing_read_of_it()
    {
        await app.WithDesk(nameof(the_charts_label_is_the_one_thing_read_of_it), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);
            var chart = desk.Page.Locator("#value-chart").GetByRole(AriaRole.Img);
            await Expect(chart).ToHaveAccessibleNameAsync(new Regex("^Value after each of"));
            // Drawn: its axis and legend texts are on the page.
            (await desk.Page.Locator("#value-chart svg text").CountAsync()).ShouldBeGreaterThan(0);

            (await ExposedInsideImages(desk.Page)).ShouldBeEmpty();
        });
    }

    /// <summary>What Chromium's accessibility tree exposes inside its images: roles and names of the nodes not ignored.</summary>
    private static async Task<string[]> ExposedInsideImages(IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        var tree = (await cdp.SendAsync("Accessibility.getFullAXTree")).ShouldNotBeNull();
        static string? Value(JsonElement node, string property) =>
            node.TryGetProperty(property, out var p) && p.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var nodes = tree.GetProperty("nodes").EnumerateArray().ToDictionary(node => node.GetProperty("nodeId").GetString()!);
        IEnumerable<JsonElement> Inside(JsonElement node) => node.TryGetProperty("childIds", out var ids)
            ? ids.EnumerateArray().Select(id => id.GetString()!).Where(nodes.ContainsKey).Select(id => nodes[id]).SelectMany(child => Inside(child).Prepend(child))
            : [];
        return [.. nodes.Values.Where(node => Value(node, "role") == "image" && !node.GetProperty("ignored").GetBoolean())
            .SelectMany(Inside).Where(node => !node.GetProperty("ignored").GetBoolean())
            .Select(node => $"{Value(node, "role")} “{Value(node, "name")}”")];
    }

    /// <summary>
    /// The images' names and descriptions as Chromium gives them to screen readers (its accessibility tree: Playwright's
    /// own computation leaves an SVG's &lt;title&gt; out of the description).
    /// </summary>
    private static async Task<(string Name, string? Description)[]> Images(IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        var tree = (await cdp.SendAsync("Accessibility.getFullAXTree")).ShouldNotBeNull();
        static string? Value(JsonElement node, string property) =>
            node.TryGetProperty(property, out var p) && p.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return [.. tree.GetProperty("nodes").EnumerateArray()
            .Where(node => Value(node, "role") == "image" && !node.GetProperty("ignored").GetBoolean())
            .Select(node => (Value(node, "name") ?? "", Value(node, "description")))];
    }
}
