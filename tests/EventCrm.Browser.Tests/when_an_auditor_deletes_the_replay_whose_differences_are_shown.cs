using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A replay's differences are on screen and the auditor deletes that replay: its table and its "Show 3 more"
/// stayed, and pressing it answered 404 "No replay 'replay-…'". They go with the replay; another replay's
/// deletion leaves them where they are.
/// </summary>
public class when_an_auditor_deletes_the_replay_whose_differences_are_shown(BrowserFixture app)
{
    private const string Seventh = "simple-clv@7", Eighth = "simple-clv@8";

    [Fact]
    public async Task its_differences_and_their_show_more_go_with_it()
    {
        await app.WithDesk(nameof(its_differences_and_their_show_more_go_with_it), async desk =>
        {
            var (page, _) = await ShowTheSeventhsDifferencesAsync(desk);
            // 13 customers differ, 10 a page: 3 more.
            var more = page.GetByRole(AriaRole.Button, new() { Name = "Show 3 more" });
            await Expect(more).ToBeVisibleAsync();

            await DeleteAsync(page, Seventh);

            await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Delete {Seventh} as of 2026-01-31" })).ToHaveCountAsync(0);
            await Expect(page.Locator("#replay-diff table")).ToHaveCountAsync(0);
            await Expect(more).ToBeHiddenAsync();
            await Expect(page.Locator("#replay-summary")).ToBeEmptyAsync();
        }, path: "/audit.html");
    }

    [Fact]
    public async Task another_replays_deletion_leaves_them_shown()
    {
        await app.WithDesk(nameof(another_replays_deletion_leaves_them_shown), async desk =>
        {
            var (page, table) = await ShowTheSeventhsDifferencesAsync(desk);

            await DeleteAsync(page, Eighth);

            await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Delete {Eighth} as of 2026-01-31" })).ToHaveCountAsync(0);
            await Expect(table.Locator("tbody tr")).ToHaveCountAsync(10);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Show 3 more" })).ToBeVisibleAsync();
        }, path: "/audit.html");
    }

    /// <summary>Both replays listed, the differences of the seventh shown: its first page of ten.</summary>
    private static async Task<(IPage Page, ILocator Table)> ShowTheSeventhsDifferencesAsync(Desk desk)
    {
        var page = desk.Page;
        await ServeReplays(page, [Seventh, Eighth]);
        await desk.EnterKey(BrowserFixture.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Differences of {Seventh} as of 2026-01-31" }).ClickAsync();
        var table = page.GetByRole(AriaRole.Table, new() { Name = $"Current value under {Seventh} against the live values" });
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(10);
        return (page, table);
    }

    private static async Task DeleteAsync(IPage page, string formula)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = $"Delete {formula} as of 2026-01-31" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete it" }).ClickAsync();
    }

    /// <summary>
    /// The scenario's own replays (the service's are every auditor's): listed, deleted (204, gone from the list), and
    /// each one's differences, thirteen customers differing by 13 - NN, a page at a time.
    /// </summary>
    private static async Task ServeReplays(IPage page, List<string> formulas)
    {
        await page.RouteAsync(new Regex(@"/api/replays(\?.*)?$"), route => route.FulfillAsync(FakeAnswers.Json(new JsonObject
        {
            ["total"] = formulas.Count,
            ["items"] = new JsonArray([.. formulas.Select(formula => (JsonNode)new JsonObject
            {
                ["id"] = $"replay-{formula}", ["formula"] = formula, ["liveFormula"] = "retention-ltv@0", ["asOf"] = "2026-01-31T23:59:59.9999999+00:00",
                ["state"] = "completed", ["eventsDone"] = 40, ["eventsTotal"] = 40,
            })]),
        })));
        await page.RouteAsync(new Regex(@"/api/replays/replay-[^/?]+$"), route =>
        {
            if (route.Request.Method != "DELETE") return route.ContinueAsync();
            formulas.Remove(Uri.UnescapeDataString(route.Request.Url.Split("replay-")[^1]));
            return route.FulfillAsync(new() { Status = 204 });
        });
        await page.RouteAsync(new Regex(@"/api/replays/replay-[^/?]+/diff\?"), route =>
        {
            var query = System.Web.HttpUtility.ParseQueryString(new Uri(route.Request.Url).Query);
            var (number, size) = (int.Parse(query["page"] ?? "1"), int.Parse(query["pageSize"] ?? "10"));
            var formula = Uri.UnescapeDataString(route.Request.Url.Split("replay-")[^1].Split("/diff")[0]);
            return route.FulfillAsync(FakeAnswers.Json(new JsonObject
            {
                ["replayId"] = $"replay-{formula}", ["formula"] = formula, ["against"] = "live (retention-ltv@0)", ["asOf"] = "2026-01-31T23:59:59.9999999+00:00",
                ["state"] = "completed", ["page"] = number, ["pageSize"] = size, ["total"] = 13, ["customers"] = 13, ["changed"] = 13, ["tierChanges"] = 0,
                ["items"] = new JsonArray([.. Enumerable.Range((number - 1) * size + 1, Math.Max(0, Math.Min(size, 13 - (number - 1) * size))).Select(n => (JsonNode)new JsonObject
                {
                    ["customerId"] = $"customer-{n:00}", ["name"] = $"Customer {n:00}", ["replayed"] = 100m + 13 - n, ["against"] = 100m, ["difference"] = 13m - n,
                    ["replayedTier"] = "low", ["againstTier"] = "low", ["tierChanged"] = false,
                })]),
            }));
        });
    }
}
