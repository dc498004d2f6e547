using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// Refresh, the refresh after an outcome and a panel asking again all read the open client's timeline and value:
/// an older reading that comes back after a newer one does not replace what the newer one showed.
/// </summary>
public class when_a_slow_reading_of_the_open_client_comes_back_last(BrowserFixture app)
{
    // Ordinary 09: signed up, then 3 + 9 % 6 = 6 purchases: 7 touchpoints, active. Used by no other scenario.
    private const string Client = "ordinary-09", ClientName = "Ordinary Customer 09";
    private static readonly TimeSpan Waited = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task the_timeline_state_and_value_stay_those_of_the_newer_reading()
    {
        var holding = false;
        var release = new TaskCompletionSource();
        var timelineHeld = new TaskCompletionSource();
        var valueHeld = new TaskCompletionSource();
        await app.WithDesk(nameof(the_timeline_state_and_value_stay_those_of_the_newer_reading), async desk =>
        {
            // The held answers are the service's own, made older: the last touchpoint not yet there, another state and value.
            await desk.Page.RouteAsync($"**/api/customers/{Client}/timeline*", async route =>
            {
                var response = await route.FetchAsync();
                var view = JsonNode.Parse(await response.TextAsync())!.AsObject();
                if (holding && timelineHeld.TrySetResult())
                {
                    var entries = view["entries"]!.AsArray();
                    entries.RemoveAt(entries.Count - 1);
                    view["state"] = "at-risk";
                    await release.Task;
                }
                await route.FulfillAsync(new() { Response = response, Body = view.ToJsonString() });
            });
            await desk.Page.RouteAsync($"**/api/customers/{Client}/value", async route =>
            {
                var response = await route.FetchAsync();
                var value = JsonNode.Parse(await response.TextAsync())!.AsObject();
                if (holding && valueHeld.TrySetResult())
                {
                    value["current"] = 0.01m;
                    await release.Task;
                }
                await route.FulfillAsync(new() { Response = response, Body = value.ToJsonString() });
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ClientName);
            var count = desk.Page.Locator("#timeline-count");
            await Expect(count).ToHaveTextAsync("7 touchpoints, newest first");
            await Expect(desk.Card("Current value")).Not.ToBeEmptyAsync();
            var currentValue = await desk.Card("Current value").TextContentAsync();

            // A first Refresh is slow; a second one comes back first.
            holding = true;
            var refresh = desk.Page.GetByRole(AriaRole.Button, new() { Name = "Refresh" });
            await refresh.ClickAsync();
            await Task.WhenAll(timelineHeld.Task, valueHeld.Task).WaitAsync(Waited);
            holding = false;
            await refresh.ClickAsync();
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("Refreshed.");
            await desk.Page.EvaluateAsync("() => { document.getElementById('status').textContent = ''; }");

            release.SetResult();
            // The first Refresh ends once its older answers have come back.
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("Refreshed.");
            await Expect(count).ToHaveTextAsync("7 touchpoints, newest first");
            await Expect(desk.TimelineEntries).ToHaveCountAsync(7);
            await Expect(desk.State).ToHaveTextAsync("Active");
            await Expect(desk.Card("Current value")).ToHaveTextAsync(currentValue!);
        });
    }
}
