using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>The desk starts from the clients asking to cancel, each with what the service decided, and opens one from there.</summary>
public class when_the_desk_opens_its_work_list(BrowserFixture app)
{
    [Fact]
    public async Task a_client_who_asks_to_cancel_is_listed_with_the_decision_and_opens_from_the_list()
    {
        const string client = "ordinary-07", name = "Ordinary Customer 07";
        (await app.Api.PostAsJsonAsync("/api/touchpoints", ScenarioData.CancellationOf(client, DateTimeOffset.UtcNow.AddMinutes(-1), "closing a site"), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        (await app.DecisionOf(client)).ShouldBe("offer-made");

        await app.WithDesk(nameof(a_client_who_asks_to_cancel_is_listed_with_the_decision_and_opens_from_the_list), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            var list = desk.Page.GetByRole(AriaRole.List, new() { Name = "Clients asking to cancel" });
            var entry = list.GetByRole(AriaRole.Button, new() { Name = name });
            // Four purchases of margin 51 + 56 + 61 + 66 = 234 in 405 days: 211.03 a year; no churn before the seed's
            // refit, so r = 0.99 and 211.03 x 0.99 / (1.08 - 0.99) = 2,321.37, silver: 30% of a 20% cap = 139.28
            // (a little less each hour after the seed).
            await Expect(entry).ToContainTextAsync(" · offer ");
            var figures = System.Text.RegularExpressions.Regex.Match(await entry.InnerTextAsync(), @"value when assessed ([\d,.]+) · offer ([\d,.]+) until");
            var english = System.Globalization.CultureInfo.GetCultureInfo("en-US");
            decimal.Parse(figures.Groups[1].Value, english).ShouldBe(2_321.37m, 0.5m);
            decimal.Parse(figures.Groups[2].Value, english).ShouldBe(139.28m, 0.05m);
            await Expect(desk.Page.Locator("#worklist-count")).ToContainTextAsync("asking to cancel");

            await entry.ClickAsync();
            await Expect(desk.CustomerTitle).ToHaveTextAsync(name);
            await Expect(desk.State).ToHaveTextAsync("Cancellation requested");
            desk.Page.Url.ShouldEndWith($"#customer={client}");
        });
    }

    [Fact]
    public async Task a_request_that_arrives_while_the_desk_works_shows_up_in_the_list_by_itself()
    {
        const string client = "ordinary-11", name = "Ordinary Customer 11";
        await app.WithDesk(nameof(a_request_that_arrives_while_the_desk_works_shows_up_in_the_list_by_itself), async desk =>
        {
            await desk.Page.Clock.InstallAsync();
            await desk.EnterKey(BrowserFixture.AdminKey);
            var list = desk.Page.GetByRole(AriaRole.List, new() { Name = "Clients asking to cancel" });
            await Expect(desk.Page.Locator("#worklist-count")).Not.ToBeEmptyAsync();
            await Expect(list.GetByRole(AriaRole.Button, new() { Name = name })).ToHaveCountAsync(0);

            (await app.Api.PostAsJsonAsync("/api/touchpoints", ScenarioData.CancellationOf(client, DateTimeOffset.UtcNow.AddMinutes(-1), "budget cut"))).EnsureSuccessStatusCode();
            await desk.Page.Clock.RunForAsync(31_000);

            await Expect(list.GetByRole(AriaRole.Button, new() { Name = name })).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task a_search_made_while_the_list_is_still_loading_keeps_the_keyboard_where_the_user_moved_it()
    {
        var listHeld = new TaskCompletionSource();
        await app.WithDesk(nameof(a_search_made_while_the_list_is_still_loading_keeps_the_keyboard_where_the_user_moved_it), async desk =>
        {
            await desk.Page.RouteAsync("**/api/retention/pending*", async route =>
            {
                await listHeld.Task;
                await route.ContinueAsync();
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Search("gamma");
            await Expect(desk.Results.GetByRole(AriaRole.Button).First).ToContainTextAsync(ScenarioData.GammaName);
            await desk.Page.GetByLabel("Name or email").PressAsync("ArrowDown");

            listHeld.SetResult();
            await Expect(desk.Page.Locator("#worklist-count")).ToContainTextAsync("cancel");
            await desk.Page.Keyboard.PressAsync("Enter");

            await Expect(desk.CustomerTitle).ToHaveTextAsync(ScenarioData.GammaName);
        });
    }

    [Fact]
    public async Task a_list_longer_than_a_page_shows_the_rest_on_request_and_the_keyboard_goes_on_from_there()
    {
        await app.WithDesk(nameof(a_list_longer_than_a_page_shows_the_rest_on_request_and_the_keyboard_goes_on_from_there), async desk =>
        {
            // Fifty open offers lapse before the seed's requests: they fill the first page, Beta (no offer) is on the second.
            await desk.Page.RouteAsync("**/api/retention/pending*", async route =>
            {
                var asked = System.Web.HttpUtility.ParseQueryString(new Uri(route.Request.Url).Query);
                var (page, size) = (int.Parse(asked["page"] ?? "1"), int.Parse(asked["pageSize"] ?? "20"));
                size.ShouldBe(50);
                var real = JsonNode.Parse(await (await route.FetchAsync(new() { Url = $"{desk.BaseAddress}api/retention/pending?page=1&pageSize=50" })).TextAsync())!;
                var total = WaitingOffers + real["total"]!.GetValue<int>();
                JsonArray items = page == 1 ? [.. Enumerable.Range(1, WaitingOffers).Select(WaitingOffer)] : page == 2 ? real["items"]!.DeepClone().AsArray() : [];
                await route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = new JsonObject { ["page"] = page, ["pageSize"] = size, ["total"] = total, ["items"] = items }.ToJsonString() });
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            var list = desk.Page.GetByRole(AriaRole.List, new() { Name = "Clients asking to cancel" });
            await Expect(list.GetByRole(AriaRole.Button)).ToHaveCountAsync(WaitingOffers);
            await Expect(desk.Page.Locator("#worklist-count")).ToContainTextAsync(", 50 shown.");
            await Expect(list.GetByRole(AriaRole.Button, new() { Name = ScenarioData.BetaName })).ToHaveCountAsync(0);

            var showMore = desk.Page.GetByRole(AriaRole.Button, new() { NameRegex = new("^Show \\d+ more$") });
            await showMore.FocusAsync();
            await desk.Page.Keyboard.PressAsync("Enter");

            await Expect(list.GetByRole(AriaRole.Button, new() { Name = ScenarioData.BetaName })).ToBeVisibleAsync();
            await Expect(list.GetByRole(AriaRole.Button).Nth(WaitingOffers)).ToBeFocusedAsync();
            await Expect(showMore).ToBeHiddenAsync();   // the seed's few requests fit in the second page
            await list.GetByRole(AriaRole.Button, new() { Name = ScenarioData.BetaName }).PressAsync("Enter");
            await Expect(desk.CustomerTitle).ToHaveTextAsync(ScenarioData.BetaName);
            await Expect(desk.Page.GetByRole(AriaRole.Button, new() { Name = "Let the client go" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        });
    }

    [Fact]
    public async Task a_refresh_that_overtakes_show_more_still_moves_the_keyboard_to_the_first_client_added()
    {
        const int Later = 3;
        var (showMoreAsked, refreshAsked) = (new TaskCompletionSource(), new TaskCompletionSource());
        var (showMoreHeld, refreshHeld) = (new TaskCompletionSource(), new TaskCompletionSource());
        var secondPages = 0;
        await app.WithDesk(nameof(a_refresh_that_overtakes_show_more_still_moves_the_keyboard_to_the_first_client_added), async desk =>
        {
            await desk.Page.Clock.InstallAsync();
            await desk.Page.RouteAsync("**/api/retention/pending*", async route =>
            {
                var page = int.Parse(System.Web.HttpUtility.ParseQueryString(new Uri(route.Request.Url).Query)["page"] ?? "1");
                JsonArray items = page == 1 ? [.. Enumerable.Range(1, WaitingOffers).Select(WaitingOffer)]
                    : [.. Enumerable.Range(WaitingOffers + 1, Later).Select(WaitingOffer)];
                if (page == 2)
                {
                    // The second page asked by "Show more" comes back first, the 30 s reading's after it.
                    var (asked, held) = Interlocked.Increment(ref secondPages) == 1 ? (showMoreAsked, showMoreHeld) : (refreshAsked, refreshHeld);
                    asked.TrySetResult();
                    await held.Task;
                }
                await route.FulfillAsync(new() { Status = 200, ContentType = "application/json",
                    Body = new JsonObject { ["page"] = page, ["pageSize"] = 50, ["total"] = WaitingOffers + Later, ["items"] = items }.ToJsonString() });
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            var list = desk.Page.GetByRole(AriaRole.List, new() { Name = "Clients asking to cancel" });
            await Expect(list.GetByRole(AriaRole.Button)).ToHaveCountAsync(WaitingOffers);

            await desk.Page.GetByRole(AriaRole.Button, new() { Name = $"Show {Later} more" }).PressAsync("Enter");
            await showMoreAsked.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await desk.Page.Clock.RunForAsync(31_000);
            await refreshAsked.Task.WaitAsync(TimeSpan.FromSeconds(30));
            showMoreHeld.SetResult();
            refreshHeld.SetResult();

            await Expect(list.GetByRole(AriaRole.Button)).ToHaveCountAsync(WaitingOffers + Later);
            await Expect(list.GetByRole(AriaRole.Button, new() { Name = "Waiting Client 51" })).ToBeFocusedAsync();
        });
    }

    [Fact]
    public async Task the_arrow_keys_move_through_the_list_and_the_client_opened_is_marked_in_it()
    {
        await app.WithDesk(nameof(the_arrow_keys_move_through_the_list_and_the_client_opened_is_marked_in_it), async desk =>
        {
            // A list of its own: the seed's requests are answered by other scenarios meanwhile.
            string[] listed = ["ordinary-01", "ordinary-02", ScenarioData.Gamma, "ordinary-03"];
            await desk.Page.RouteAsync("**/api/retention/pending*", route => route.FulfillAsync(new()
            {
                Status = 200, ContentType = "application/json",
                Body = new JsonObject
                {
                    ["page"] = 1, ["pageSize"] = 50, ["total"] = listed.Length,
                    ["items"] = new JsonArray([.. listed.Select(id => (JsonNode)new JsonObject
                    {
                        ["customerId"] = id, ["name"] = id, ["requestedAt"] = DateTimeOffset.UtcNow.ToString("O"), ["reason"] = "price",
                        ["decision"] = "no-offer", ["offer"] = null, ["currentValue"] = 10m,
                    })]),
                }.ToJsonString(),
            }));
            await desk.EnterKey(BrowserFixture.AdminKey);
            var list = desk.Page.GetByRole(AriaRole.List, new() { Name = "Clients asking to cancel" });
            var entries = list.GetByRole(AriaRole.Button);
            await Expect(entries).ToHaveCountAsync(listed.Length);

            await entries.First.FocusAsync();
            await desk.Page.Keyboard.PressAsync("End");
            await Expect(entries.Last).ToBeFocusedAsync();
            await desk.Page.Keyboard.PressAsync("Home");
            await Expect(entries.First).ToBeFocusedAsync();
            await desk.Page.Keyboard.PressAsync("ArrowDown");
            await desk.Page.Keyboard.PressAsync("ArrowDown");
            await Expect(entries.Nth(2)).ToBeFocusedAsync();
            await desk.Page.Keyboard.PressAsync("Enter");

            await Expect(desk.CustomerTitle).ToHaveTextAsync(ScenarioData.GammaName);
            // Opening reads the list again: the mark stays on the client open, and only there.
            await Expect(entries.Nth(2)).ToHaveAttributeAsync("aria-current", "true");
            await Expect(list.Locator("[aria-current]")).ToHaveCountAsync(1);
        });
    }

    private const int WaitingOffers = 50;

    private static JsonObject WaitingOffer(int n) => new()
    {
        ["customerId"] = $"waiting-{n:00}", ["name"] = $"Waiting Client {n:00}", ["requestedAt"] = DateTimeOffset.UtcNow.AddHours(-1).ToString("O"),
        ["reason"] = "price", ["decision"] = "offer-made", ["currentValue"] = 5000m,
        ["offer"] = new JsonObject { ["offerId"] = $"offer:waiting-{n:00}", ["amount"] = 100m, ["cost"] = 100m, ["expiresAt"] = DateTimeOffset.UtcNow.AddMinutes(n).ToString("O") },
    };
}
