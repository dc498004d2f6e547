using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// Each replay listed on the audit page has its Delete. The button pressed goes with its replay: the
/// keyboard goes to the replay that took its place, and to the list's heading once none is left.
/// </summary>
public class when_an_auditor_deletes_replays_by_keyboard(BrowserFixture app)
{
    [Fact]
    public async Task the_keyboard_goes_to_the_next_replays_delete_then_to_the_lists_heading()
    {
        // The service's replays are every auditor's (other scenarios make some): this list is the scenario's own.
        var replays = new List<string> { "simple-clv@7", "simple-clv@8" };
        await app.WithDesk(nameof(the_keyboard_goes_to_the_next_replays_delete_then_to_the_lists_heading), async desk =>
        {
            await desk.Page.RouteAsync(new Regex(@"/api/replays(\?.*)?$"), route => route.FulfillAsync(FakeAnswers.Json(new JsonObject
            {
                ["total"] = replays.Count,
                ["items"] = new JsonArray([.. replays.Select(formula => (JsonNode)new JsonObject
                {
                    ["id"] = $"replay-{formula}", ["formula"] = formula, ["asOf"] = "2026-01-31T23:59:59.9999999+00:00",
                    ["state"] = "completed", ["eventsDone"] = 40, ["eventsTotal"] = 40,
                })]),
            })));
            await desk.Page.RouteAsync(new Regex(@"/api/replays/replay-"), route =>
            {
                replays.Remove(route.Request.Url.Split("replay-")[^1].Replace("%40", "@"));
                return route.FulfillAsync(new() { Status = 204 });
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            var first = desk.Page.GetByRole(AriaRole.Button, new() { Name = "Delete simple-clv@7 as of 2026-01-31" });
            var second = desk.Page.GetByRole(AriaRole.Button, new() { Name = "Delete simple-clv@8 as of 2026-01-31" });
            await first.FocusAsync();

            await desk.Page.Keyboard.PressAsync("Enter");

            await Expect(first).ToHaveCountAsync(0);
            await Expect(second).ToBeFocusedAsync();
            await desk.Page.Keyboard.PressAsync("Enter");

            await Expect(desk.Page.Locator("#replay-count")).ToHaveTextAsync("No replay yet.");
            await Expect(desk.Page.GetByRole(AriaRole.Heading, new() { Name = "Replays made" })).ToBeFocusedAsync();
        }, path: "/audit.html");
    }
}
