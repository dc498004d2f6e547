using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// Each replay listed on the audit page has its Delete, which asks first, in the replay's place (a deletion cannot be
/// undone): Escape keeps the replay. The button pressed goes with its replay: the
/// keyboard goes to the replay that took its place, and to the list's heading once none is left. Its two buttons stand apart, each large enough to hit (WCAG 2.5.8).
/// </summary>
public class when_an_auditor_deletes_replays_by_keyboard(BrowserFixture app)
{
    [Fact]
    public async Task the_keyboard_goes_to_the_next_replays_delete_then_to_the_lists_heading()
    {
        var replays = new List<string> { "simple-clv@7", "simple-clv@8" };
        await app.WithDesk(nameof(the_keyboard_goes_to_the_next_replays_delete_then_to_the_lists_heading), async desk =>
        {
            await ListReplays(desk.Page, replays);
            await desk.Page.RouteAsync(new Regex(@"/api/replays/replay-"), route =>
            {
                replays.Remove(route.Request.Url.Split("replay-")[^1].Replace("%40", "@"));
                return route.FulfillAsync(new() { Status = 204 });
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            var first = desk.Page.GetByRole(AriaRole.Button, new() { Name = "Delete simple-clv@7 as of 2026-01-31" });
            var second = desk.Page.GetByRole(AriaRole.Button, new() { Name = "Delete simple-clv@8 as of 2026-01-31" });
            await first.FocusAsync();

            // Delete asks first, the keyboard on its question: Tab reaches "Yes, delete it".
            await desk.Page.Keyboard.PressAsync("Enter");
            await Expect(Question(desk.Page, "simple-clv@7")).ToBeFocusedAsync();
            await desk.Page.Keyboard.PressAsync("Tab");
            await desk.Page.Keyboard.PressAsync("Enter");

            await Expect(first).ToHaveCountAsync(0);
            await Expect(second).ToBeFocusedAsync();
            await desk.Page.Keyboard.PressAsync("Enter");
            await Expect(Question(desk.Page, "simple-clv@8")).ToBeFocusedAsync();
            await desk.Page.Keyboard.PressAsync("Tab");
            await desk.Page.Keyboard.PressAsync("Enter");

            await Expect(desk.Page.Locator("#replay-count")).ToHaveTextAsync("No replay yet.");
            await Expect(desk.Page.GetByRole(AriaRole.Heading, new() { Name = "Replays made" })).ToBeFocusedAsync();
        }, path: "/audit.html");
    }

    [Fact]
    public async Task delete_asks_first_and_escape_keeps_the_replay_and_the_keyboard_on_delete()
    {
        var deletions = 0;
        await app.WithDesk(nameof(delete_asks_first_and_escape_keeps_the_replay_and_the_keyboard_on_delete), async desk =>
        {
            await ListReplays(desk.Page, ["simple-clv@6"]);
            await desk.Page.RouteAsync(new Regex(@"/api/replays/replay-"), route =>
            {
                if (route.Request.Method == "DELETE") Interlocked.Increment(ref deletions);
                return route.FulfillAsync(new() { Status = 204 });
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            var delete = desk.Page.GetByRole(AriaRole.Button, new() { Name = "Delete simple-clv@6 as of 2026-01-31" });
            await delete.FocusAsync();

            // Enter twice (a key held) lands on the question's text, not on its confirm.
            await desk.Page.Keyboard.PressAsync("Enter");
            await desk.Page.Keyboard.PressAsync("Enter");
            await Expect(Question(desk.Page, "simple-clv@6"))
                .ToHaveTextAsync("Delete the replay under simple-clv@6 as of 2026-01-31 with its results? This cannot be undone.");
            await desk.Page.Keyboard.PressAsync("Escape");

            await Expect(delete).ToBeFocusedAsync();
            await Expect(desk.Page.GetByRole(AriaRole.Group, new() { NameRegex = new("^Confirm the deletion") })).ToHaveCountAsync(0);
            await Expect(desk.Page.Locator("#replay-count")).ToHaveTextAsync("1 replay.");
            deletions.ShouldBe(0);
        }, path: "/audit.html");
    }

    private static ILocator Question(IPage page, string formula) =>
        page.GetByRole(AriaRole.Group, new() { Name = $"Confirm the deletion of {formula} as of 2026-01-31" }).Locator(".question-text");

    [Fact]
    public async Task a_replays_differences_and_delete_stand_apart_each_a_24_pixel_target()
    {
        await app.WithDesk(nameof(a_replays_differences_and_delete_stand_apart_each_a_24_pixel_target), async desk =>
        {
            await ListReplays(desk.Page, ["simple-clv@9"]);
            await desk.EnterKey(BrowserFixture.AdminKey);
            var differences = desk.Page.GetByRole(AriaRole.Button, new() { Name = "Differences of simple-clv@9 as of 2026-01-31" });
            var delete = desk.Page.GetByRole(AriaRole.Button, new() { Name = "Delete simple-clv@9 as of 2026-01-31" });
            await Expect(delete).ToBeVisibleAsync();

            var (left, right) = ((await differences.BoundingBoxAsync()).ShouldNotBeNull(), (await delete.BoundingBoxAsync()).ShouldNotBeNull());
            foreach (var target in new[] { left, right })
            {
                target.Height.ShouldBeGreaterThanOrEqualTo(24f);
                target.Width.ShouldBeGreaterThanOrEqualTo(24f);
            }
            (right.X - (left.X + left.Width)).ShouldBeGreaterThanOrEqualTo(6f, "Differences and Delete read as one word");
        }, path: "/audit.html");
    }

    /// <summary>The service's replays are every auditor's (other scenarios make some): these are the scenario's own, completed.</summary>
    private static Task ListReplays(IPage page, List<string> formulas) =>
        page.RouteAsync(new Regex(@"/api/replays(\?.*)?$"), route => route.FulfillAsync(FakeAnswers.Json(new JsonObject
        {
            ["total"] = formulas.Count,
            ["items"] = new JsonArray([.. formulas.Select(formula => (JsonNode)new JsonObject
            {
                ["id"] = $"replay-{formula}", ["formula"] = formula, ["asOf"] = "2026-01-31T23:59:59.9999999+00:00",
                ["state"] = "completed", ["eventsDone"] = 40, ["eventsTotal"] = 40,
            })]),
        })));
}
