using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Web;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The audit page showed the ten newest replays and a replay's ten largest differences, and nothing
/// beyond: "Show N more" now adds the next page of each, as the desk's search does, and the keyboard
/// goes on from the first entry it adds.
/// </summary>
public class when_an_auditor_reaches_every_replay_and_difference(BrowserFixture app)
{
    private const int Replays = 12;
    private const int Differences = 13;

    [Fact]
    public async Task show_more_reaches_the_eleventh_replay_and_its_eleventh_difference_by_keyboard()
    {
        await app.WithDesk(nameof(show_more_reaches_the_eleventh_replay_and_its_eleventh_difference_by_keyboard), async desk =>
        {
            var page = desk.Page;
            await page.RouteAsync(new Regex(@"/api/replays(\?.*)?$"), route => route.FulfillAsync(ReplayList(route.Request.Url, AllMonths)));
            await page.RouteAsync(new Regex(@"/api/replays/[^/?]+/diff\?"), route => route.FulfillAsync(Diff(route.Request.Url)));
            await desk.EnterKey(BrowserFixture.AdminKey);
            var made = page.GetByRole(AriaRole.List, new() { Name = "Replays made" }).Locator("li");
            await Expect(made).ToHaveCountAsync(10);
            await Expect(page.Locator("#replay-count")).ToHaveTextAsync("12 replays, the newest 10 shown.");

            // From the tenth replay's Delete, Tab reaches the button; Enter adds the two oldest.
            await made.Nth(9).GetByRole(AriaRole.Button, new() { NameRegex = new("^Delete ") }).FocusAsync();
            await page.Keyboard.PressAsync("Tab");
            (await page.EvaluateAsync<string>("document.activeElement.textContent")).ShouldBe("Show 2 more");
            await page.Keyboard.PressAsync("Enter");

            await Expect(made).ToHaveCountAsync(Replays);
            await Expect(page.Locator("#replay-count")).ToHaveTextAsync("12 replays.");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Show 2 more" })).ToBeHiddenAsync();
            var eleventh = page.GetByRole(AriaRole.Button, new() { Name = "Differences of simple-clv@2 as of 2025-02-28" });
            await Expect(eleventh).ToBeFocusedAsync();
            await page.Keyboard.PressAsync("Enter");

            var rows = page.GetByRole(AriaRole.Table, new() { Name = "Current value under simple-clv@2 against the live values" }).Locator("tbody tr");
            await Expect(rows).ToHaveCountAsync(10);
            await Expect(page.Locator("#replay-summary")).ToContainTextAsync("11 of 13 customers differ from the live values (retention-ltv@0)");
            // From the tenth difference's customer, Tab reaches the button; Enter adds the last three.
            await rows.Nth(9).GetByRole(AriaRole.Link).FocusAsync();
            await page.Keyboard.PressAsync("Tab");
            (await page.EvaluateAsync<string>("document.activeElement.textContent")).ShouldBe("Show 3 more");
            await page.Keyboard.PressAsync("Enter");

            await Expect(rows).ToHaveCountAsync(Differences);
            await Expect(rows.Nth(10).GetByRole(AriaRole.Link)).ToBeFocusedAsync();
            // The customer by name, its id under it (until 2026-12-06 the id alone).
            (await rows.Nth(10).Locator("td").AllInnerTextsAsync()).ShouldBe(["Customer 11\ncustomer-11", "105.00", "100.00", "5.00", "low"]);
            await Expect(rows.Nth(10).GetByRole(AriaRole.Link)).ToHaveAccessibleNameAsync("Customer 11");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Show 3 more" })).ToBeHiddenAsync();
            await Expect(page.Locator("#status")).ToHaveTextAsync("13 of 13 differences shown.");
        }, path: "/audit.html");
    }

    [Fact]
    public async Task deleting_a_replay_shown_by_show_more_keeps_the_others_shown_and_the_keyboard_on_the_next()
    {
        var months = AllMonths.ToList();
        await app.WithDesk(nameof(deleting_a_replay_shown_by_show_more_keeps_the_others_shown_and_the_keyboard_on_the_next), async desk =>
        {
            var page = desk.Page;
            await page.RouteAsync(new Regex(@"/api/replays(\?.*)?$"), route => route.FulfillAsync(ReplayList(route.Request.Url, months)));
            await page.RouteAsync(new Regex(@"/api/replays/replay-\d+$"), route =>
            {
                months.Remove(int.Parse(route.Request.Url.Split("replay-")[^1]));
                return route.FulfillAsync(new() { Status = 204 });
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            var made = page.GetByRole(AriaRole.List, new() { Name = "Replays made" }).Locator("li");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show 2 more" }).ClickAsync();
            await Expect(made).ToHaveCountAsync(Replays);

            await page.GetByRole(AriaRole.Button, new() { Name = "Delete simple-clv@2 as of 2025-02-28" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete it" }).ClickAsync();

            // The eleven left are all shown, not the newest ten again, and the keyboard is on January's Delete, in its place.
            await Expect(made).ToHaveCountAsync(Replays - 1);
            await Expect(page.Locator("#replay-count")).ToHaveTextAsync("11 replays.");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete simple-clv@2 as of 2025-01-31" })).ToBeFocusedAsync();
        }, path: "/audit.html");
    }

    /// <summary>Months of 2025, newest first: a replay as of the end of each.</summary>
    private static readonly int[] AllMonths = [.. Enumerable.Range(1, Replays).Reverse()];

    /// <summary>GET /api/replays: the page asked for of completed replays of simple-clv@2, one as of the end of each month given, in that order.</summary>
    private static RouteFulfillOptions ReplayList(string url, IReadOnlyList<int> months)
    {
        var (number, size) = Paging(url, 50);
        return FakeAnswers.Json(new JsonObject
        {
            ["page"] = number, ["pageSize"] = size, ["total"] = months.Count,
            ["items"] = new JsonArray([.. Slice(number, size, months.Count).Select(n =>
            {
                var month = months[n - 1];
                var asOf = new DateTimeOffset(2025, month, DateTime.DaysInMonth(2025, month), 23, 59, 59, TimeSpan.Zero);
                return (JsonNode)new JsonObject
                {
                    ["id"] = $"replay-{month:00}", ["formula"] = "simple-clv@2", ["liveFormula"] = "retention-ltv@0", ["asOf"] = asOf.ToString("O"),
                    ["state"] = "completed", ["eventsDone"] = 40, ["eventsTotal"] = 40,
                };
            })]),
        });
    }

    /// <summary>GET /api/replays/{id}/diff: the page asked for of thirteen customers, customer-NN differing by 60 - 5 x NN (the last two by nothing).</summary>
    private static RouteFulfillOptions Diff(string url)
    {
        var (number, size) = Paging(url, 50);
        return FakeAnswers.Json(new JsonObject
        {
            ["replayId"] = "replay-02", ["formula"] = "simple-clv@2", ["against"] = "live (retention-ltv@0)", ["asOf"] = "2025-02-28T23:59:59+00:00",
            ["state"] = "completed", ["page"] = number, ["pageSize"] = size, ["total"] = Differences, ["customers"] = Differences, ["changed"] = 11, ["tierChanges"] = 0,
            ["items"] = new JsonArray([.. Slice(number, size, Differences).Select(n =>
            {
                var difference = n <= 11 ? 60m - 5m * n : 0m;
                return (JsonNode)new JsonObject
                {
                    ["customerId"] = $"customer-{n:00}", ["name"] = $"Customer {n:00}", ["replayed"] = 100m + difference, ["against"] = 100m, ["difference"] = difference,
                    ["replayedTier"] = "low", ["againstTier"] = "low", ["tierChanged"] = false,
                };
            })]),
        });
    }

    private static (int Page, int PageSize) Paging(string url, int defaultSize)
    {
        var query = HttpUtility.ParseQueryString(new Uri(url).Query);
        return (int.Parse(query["page"] ?? "1"), int.Parse(query["pageSize"] ?? defaultSize.ToString()));
    }

    /// <summary>The 1-based numbers of the entries on that page.</summary>
    private static IEnumerable<int> Slice(int page, int size, int total) =>
        Enumerable.Range((page - 1) * size + 1, Math.Max(0, Math.Min(size, total - (page - 1) * size)));
}
