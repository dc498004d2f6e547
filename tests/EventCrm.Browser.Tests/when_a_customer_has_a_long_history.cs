using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A B2B account has bought every hour for weeks: more touchpoints than the service answers in one
/// read (its pages are the service's, answered here from a made-up history so that the shared base
/// keeps its figures). The desk shows the latest thousand, with the value after each, and reads
/// earlier ones on demand. Before, it read the whole customer at once: a 50,000-touchpoint account
/// took 75 s to show its timeline, and its chart did not come within 6 minutes.
/// </summary>
public class when_a_customer_has_a_long_history(BrowserFixture app)
{
    private const string Account = "long-history", Name = "Longhaul Industries";
    private const int Touchpoints = 1_100;

    [Fact]
    public async Task the_desk_shows_the_latest_thousand_touchpoints_and_reads_the_earlier_ones_on_demand()
    {
        await app.WithDesk(nameof(the_desk_shows_the_latest_thousand_touchpoints_and_reads_the_earlier_ones_on_demand), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{Account}**", route => route.FulfillAsync(Answer(route.Request.Url)));
            await desk.EnterKey(BrowserFixture.AdminKey);
            var count = desk.Page.Locator("#timeline-count");
            var earlier = desk.Page.GetByRole(AriaRole.Button, new() { Name = "Show 100 earlier touchpoints" });

            await Expect(desk.CustomerTitle).ToHaveTextAsync(Name);
            await Expect(desk.TimelineEntries).ToHaveCountAsync(1_000);
            await Expect(count).ToHaveTextAsync("1,000 touchpoints, newest first, the latest 1,000 of 1,100 read");
            await Expect(desk.Page.GetByRole(AriaRole.Img, new() { NameRegex = new("^Value after each of the latest 1,000 of 1,100 touchpoints") }))
                .ToBeVisibleAsync();
            await Expect(desk.TimelineEntries.Last).ToHaveAttributeAsync("data-touchpoint", "t-101");
            await Expect(desk.TimelineEntries.Last.Locator(".entry-value")).ToContainTextAsync("value after: current 101.00");

            await earlier.ClickAsync();

            await Expect(desk.TimelineEntries).ToHaveCountAsync(1_100);
            await Expect(desk.TimelineEntries.Last).ToHaveAttributeAsync("data-type", "signed-up");
            await Expect(desk.TimelineEntries.Last.Locator(".entry-value")).ToContainTextAsync("value after: current 1.00");
            await Expect(count).ToHaveTextAsync("1,100 touchpoints, newest first");
            await Expect(desk.Page.GetByRole(AriaRole.Img, new() { NameRegex = new("^Value after each of 1,100 touchpoints") })).ToBeVisibleAsync();
            await Expect(earlier).ToBeHiddenAsync();
            await Expect(desk.Page.GetByRole(AriaRole.List, new() { Name = "Timeline entries" })).ToBeFocusedAsync();
            await Expect(desk.Error).ToBeHiddenAsync();
        }, path: $"/#customer={Account}");
    }

    [Fact]
    public async Task the_keyboard_crosses_the_thousand_entries_in_three_tabs_and_moves_among_their_folds_by_arrow()
    {
        await app.WithDesk(nameof(the_keyboard_crosses_the_thousand_entries_in_three_tabs_and_moves_among_their_folds_by_arrow), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{Account}**", route => route.FulfillAsync(Answer(route.Request.Url)));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await Expect(desk.TimelineEntries).ToHaveCountAsync(1_000);
            var earlier = desk.Page.GetByRole(AriaRole.Button, new() { Name = "Show 100 earlier touchpoints" });
            var references = desk.TimelineEntries.Locator("details.references > summary");

            // From the Type filter: the list (scrolled by the arrow keys), its one fold, then the button; each entry's
            // References was a Tab stop, 1,002 presses to the button.
            await desk.Page.Locator("#timeline-type").FocusAsync();
            await desk.Page.Keyboard.PressAsync("Tab");
            await Expect(desk.Page.GetByRole(AriaRole.List, new() { Name = "Timeline entries" })).ToBeFocusedAsync();
            await desk.Page.Keyboard.PressAsync("Tab");
            await Expect(references.Nth(0)).ToBeFocusedAsync();
            await desk.Page.Keyboard.PressAsync("ArrowDown");
            await Expect(references.Nth(1)).ToBeFocusedAsync();
            await desk.Page.Keyboard.PressAsync("Enter");
            await Expect(desk.TimelineEntries.Nth(1).Locator("details.references")).ToHaveAttributeAsync("open", "");
            await desk.Page.Keyboard.PressAsync("Tab");
            await Expect(earlier).ToBeFocusedAsync();
        }, path: $"/#customer={Account}");
    }

    [Fact]
    public async Task the_auditor_reads_its_value_history_a_thousand_points_at_a_time()
    {
        await app.WithDesk(nameof(the_auditor_reads_its_value_history_a_thousand_points_at_a_time), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{Account}**", route => route.FulfillAsync(Answer(route.Request.Url)));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Page.GetByLabel("Customer id").FillAsync(Account);
            await desk.Page.GetByRole(AriaRole.Button, new() { Name = "Show the value and check the events" }).ClickAsync();
            var rows = desk.Page.GetByRole(AriaRole.Table, new() { Name = "Value after each touchpoint" }).Locator("tbody tr");
            var more = desk.Page.GetByRole(AriaRole.Button, new() { Name = "Show 100 more" });

            await Expect(rows).ToHaveCountAsync(1_000);
            await Expect(desk.Page.Locator("#audit-history")).ToContainTextAsync("The first 1,000 of 1,100 touchpoints.");
            await more.ClickAsync();

            await Expect(rows).ToHaveCountAsync(1_100);
            await Expect(rows.Last.Locator("td").Nth(5)).ToHaveTextAsync("1,100.00");
            await Expect(more).ToBeHiddenAsync();
            await Expect(desk.Error).ToBeHiddenAsync();
        }, path: "/audit.html");
    }

    /// <summary>The account's answers, paged as the service pages them: touchpoint k (1 the signup, then purchases) is worth k.</summary>
    private static RouteFulfillOptions Answer(string url)
    {
        var uri = new Uri(url);
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        var (page, pageSize, newest) = (int.Parse(query["page"] ?? "1"), int.Parse(query["pageSize"] ?? "1000"), query["order"] == "newest");
        var skipped = (page - 1) * pageSize;
        var versions = Enumerable.Range(1, Touchpoints).ToList();
        if (newest) versions.Reverse();
        var onPage = versions.Skip(skipped).Take(pageSize).ToList();
        var at = (int k) => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(k).ToString("O");
        var paging = (string list, Func<int, JsonNode> item) => new JsonObject
        {
            ["customerId"] = Account, ["name"] = Name, ["state"] = "active", ["order"] = newest ? "newest" : "oldest", ["page"] = page,
            ["pageSize"] = pageSize, ["total"] = Touchpoints, [list] = new JsonArray([.. onPage.Select(item)]),
        };
        return uri.AbsolutePath switch
        {
            var p when p.EndsWith("/timeline") => FakeAnswers.Json(paging("entries", k => new JsonObject
            {
                ["touchpointId"] = $"t-{k}", ["type"] = k == 1 ? "signed-up" : "purchase", ["occurredAt"] = at(k), ["recordedAt"] = at(k),
                ["state"] = "active", ["version"] = k,
            })),
            var p when p.EndsWith("/value-history") => FakeAnswers.Json(paging("points", k => new JsonObject
            {
                ["touchpointId"] = $"t-{k}", ["type"] = k == 1 ? "signed-up" : "purchase", ["occurredAt"] = at(k), ["recordedAt"] = at(k),
                ["revenue"] = k, ["profit"] = k, ["current"] = k, ["potential"] = 0, ["tier"] = "low", ["formula"] = "retention-ltv@0",
            })),
            var p when p.EndsWith("/value") => FakeAnswers.Json(new JsonObject
            {
                ["customerId"] = Account, ["historical"] = new JsonObject { ["revenue"] = 1m, ["margin"] = 1m, ["profit"] = 1m, ["costs"] = new JsonObject() },
                ["current"] = 1m, ["potential"] = new JsonObject { ["total"] = 0m, ["shareOfWalletGap"] = 0m, ["crossSell"] = 0m },
                ["tier"] = "low", ["formula"] = new JsonObject { ["name"] = "retention-ltv", ["version"] = 0 }, ["touchpointsCounted"] = Touchpoints,
                ["asOf"] = DateTimeOffset.UtcNow.ToString("O"), ["knownAt"] = null,
            }),
            var p when p.EndsWith("/retention") => FakeAnswers.Retention(Account, decision: null),
            var p when p.EndsWith("/audit") => FakeAnswers.Json(new JsonObject
            {
                ["customerId"] = Account, ["valid"] = true, ["checked"] = Touchpoints, ["unsealed"] = 0, ["firstMismatch"] = null, ["dependsOn"] = new JsonArray(),
            }),
            _ => FakeAnswers.Json(new JsonObject
            {
                ["customerId"] = Account, ["name"] = Name, ["email"] = "buyer@longhaul.example", ["segment"] = "enterprise", ["state"] = "active",
            }),
        };
    }
}
