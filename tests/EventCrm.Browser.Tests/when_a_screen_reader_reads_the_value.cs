using System.Globalization;
using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A screen reader heard the chart's label say "current value now 1,378.97" (the value after the last touchpoint) and
/// the card "Current value 1,378.95" (the value as of now): two figures both "now". The chart's label names its last
/// point's date instead. And the cards' "Value" label sat on a plain div, which screen readers pass over: it is a group.
/// </summary>
public class when_a_screen_reader_reads_the_value(BrowserFixture app)
{
    [Fact]
    public async Task the_chart_says_the_value_at_its_last_touchpoint_and_the_cards_are_a_group_named_value()
    {
        string? lastDay = null;
        await app.WithDesk(nameof(the_chart_says_the_value_at_its_last_touchpoint_and_the_cards_are_a_group_named_value), async desk =>
        {
            // The value as of now a little below the one after the last touchpoint, as days pass: 1,378.95 beside 1,378.97.
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/value", async route =>
            {
                var answer = JsonNode.Parse(await (await route.FetchAsync()).TextAsync())!.AsObject();
                answer["current"] = 1378.95m;
                await route.FulfillAsync(FakeAnswers.Json(answer));
            });
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/value-history*", async route =>
            {
                var answer = JsonNode.Parse(await (await route.FetchAsync()).TextAsync())!.AsObject();
                var last = answer["points"]!.AsArray().MaxBy(p => DateTimeOffset.Parse(p!["occurredAt"]!.GetValue<string>(), CultureInfo.InvariantCulture))!;
                last["current"] = 1378.97m;
                // The desk's days in the reader's zone (UTC here), en-US: "Nov 17, 2026".
                lastDay = DateTimeOffset.Parse(last["occurredAt"]!.GetValue<string>(), CultureInfo.InvariantCulture).UtcDateTime.ToString("MMM d, yyyy", CultureInfo.GetCultureInfo("en-US"));
                await route.FulfillAsync(FakeAnswers.Json(answer));
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);

            var cards = desk.Page.GetByRole(AriaRole.Group, new() { Name = "Value", Exact = true });
            await Expect(cards.GetByText("1,378.95")).ToBeVisibleAsync();

            var chart = desk.Page.GetByRole(AriaRole.Img, new() { NameRegex = new("^Value after each of ") });
            await Expect(chart).ToBeVisibleAsync();
            var label = (await chart.GetAttributeAsync("aria-label")).ShouldNotBeNull();
            label.ShouldContain($"current value at the last touchpoint, {lastDay.ShouldNotBeNull()}, 1,378.97,");
            label.ShouldNotContain("now");
        });
    }
}
