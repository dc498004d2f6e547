using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>Reads overlap (the 30 s work list, the refresh after an outcome, a panel asking every second): the newest answer wins.</summary>
public class when_answers_come_back_out_of_order(BrowserFixture app)
{
    private const string Handled = "ordinary-04";
    /// <summary>What the page is given to make a request: a page that never makes it fails the test instead of hanging it.</summary>
    private static readonly TimeSpan Waited = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task an_older_reading_of_the_work_list_does_not_bring_back_a_client_handled_since()
    {
        var handled = false;
        TaskCompletionSource? held = null;
        var heldArrived = new TaskCompletionSource();
        await app.WithDesk(nameof(an_older_reading_of_the_work_list_does_not_bring_back_a_client_handled_since), async desk =>
        {
            await desk.Page.RouteAsync("**/api/retention/pending*", async route =>
            {
                var stale = held;
                if (stale is not null)
                {
                    held = null;
                    heldArrived.SetResult();
                    await stale.Task;
                }
                await route.FulfillAsync(WorkList(stale is not null || !handled ? [ScenarioData.Gamma, Handled] : [ScenarioData.Gamma]));
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);
            var list = desk.Page.GetByRole(AriaRole.List, new() { Name = "Clients asking to cancel" });
            await Expect(list.GetByRole(AriaRole.Button)).ToHaveCountAsync(2);

            // A reading starts (the 30 s one, say) and is slow; the client is handled; a newer reading comes back first.
            var release = held = new TaskCompletionSource();
            await desk.Page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
            await heldArrived.Task.WaitAsync(Waited);
            handled = true;
            await desk.Page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
            await Expect(list.GetByRole(AriaRole.Button)).ToHaveCountAsync(1);
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("Refreshed.");
            await desk.Page.EvaluateAsync("() => { document.getElementById('status').textContent = ''; }");

            release.SetResult();
            // The first refresh ends once its (older) reading of the list has come back.
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("Refreshed.");
            await Expect(list.GetByRole(AriaRole.Button)).ToHaveCountAsync(1);
            await Expect(desk.Page.Locator("#worklist-count")).ToHaveTextAsync("1 asking to cancel.");
        });
    }

    [Fact]
    public async Task the_refresh_after_an_outcome_on_one_client_does_not_stop_the_next_clients_panel_asking()
    {
        const string next = "ordinary-05", nextName = "Ordinary Customer 05";
        var postHeld = new TaskCompletionSource();
        var posted = new TaskCompletionSource();
        var gammaReadAfterTheOutcome = new TaskCompletionSource();
        var decided = false;
        await app.WithDesk(nameof(the_refresh_after_an_outcome_on_one_client_does_not_stop_the_next_clients_panel_asking), async desk =>
        {
            // Nothing is recorded: the outcome is answered here, slowly, and the panels read what the test says.
            await desk.Page.RouteAsync("**/api/touchpoints", async route =>
            {
                posted.TrySetResult();
                await postHeld.Task;
                await route.FulfillAsync(new() { Status = 204 });
            });
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/retention", route =>
            {
                if (postHeld.Task.IsCompleted) gammaReadAfterTheOutcome.TrySetResult();
                return route.FulfillAsync(FakeAnswers.Retention(ScenarioData.Gamma, postHeld.Task.IsCompleted ? null : "offer-made"));
            });
            await desk.Page.RouteAsync($"**/api/customers/{next}/retention", route => route.FulfillAsync(FakeAnswers.Retention(next, decided ? "no-offer" : "assessing")));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);
            await desk.Record("Accept offer");
            await posted.Task.WaitAsync(Waited);

            await desk.Open(nextName);
            await Expect(desk.Retention).ToContainTextAsync("Assessing the request");
            postHeld.SetResult();
            await gammaReadAfterTheOutcome.Task.WaitAsync(Waited);
            decided = true;

            await Expect(desk.Retention).ToContainTextAsync("Recommended action: no offer", new() { Timeout = 10_000 });
            await Expect(desk.CustomerTitle).ToHaveTextAsync(nextName);
        });
    }

    [Fact]
    public async Task an_outcome_recorded_while_the_client_still_opens_keeps_its_word_on_the_status_line()
    {
        var timelineHeld = new TaskCompletionSource();
        await app.WithDesk(nameof(an_outcome_recorded_while_the_client_still_opens_keeps_its_word_on_the_status_line), async desk =>
        {
            // Nothing is recorded: the outcome is answered here, and the panel read again after it shows the client retained.
            var recorded = false;
            await desk.Page.RouteAsync("**/api/touchpoints", async route =>
            {
                recorded = true;
                await route.FulfillAsync(new() { Status = 204 });
            });
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/retention", route =>
                route.FulfillAsync(FakeAnswers.Retention(ScenarioData.Gamma, recorded ? null : "offer-made")));
            // The open's first reading of the timeline comes back only once the outcome is recorded: the open ends last.
            var timelineReads = 0;
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/timeline*", async route =>
            {
                if (Interlocked.Increment(ref timelineReads) == 1) await timelineHeld.Task;
                await route.ContinueAsync();
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Search(ScenarioData.GammaName);
            await desk.Results.GetByRole(AriaRole.Button).First.ClickAsync();
            await Expect(desk.Retention).ToContainTextAsync("Recommended action: retention offer");

            await desk.Record("Accept offer");
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("Offer accepted.");
            timelineHeld.SetResult();
            await Expect(desk.TimelineEntries.First).ToBeVisibleAsync();
            await desk.Page.WaitForTimeoutAsync(1_000);

            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("Offer accepted.");
        });
    }

    private static RouteFulfillOptions WorkList(string[] ids) => FakeAnswers.Json(new JsonObject
    {
        ["page"] = 1, ["pageSize"] = 50, ["total"] = ids.Length,
        ["items"] = new JsonArray([.. ids.Select(id => (JsonNode)new JsonObject
        {
            ["customerId"] = id, ["name"] = id, ["requestedAt"] = DateTimeOffset.UtcNow.ToString("O"), ["reason"] = "price",
            ["decision"] = "no-offer", ["offer"] = null, ["currentValue"] = 10m,
        })]),
    });
}
