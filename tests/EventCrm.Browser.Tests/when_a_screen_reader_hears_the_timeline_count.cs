using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The timeline's count is a polite live line. Another client opened, it said "0 touchpoints, newest first" when the values
/// after each came before the entries, then the right figure; and the same words were written anew at every opening,
/// Refresh and outcome, each time said again (until 2026-12-07). It says the count once it is known, and only when it changed.
/// </summary>
public class when_a_screen_reader_hears_the_timeline_count(BrowserFixture app)
{
    [Fact]
    public async Task another_client_opened_is_counted_once_and_a_refresh_changing_nothing_says_nothing()
    {
        var total = JsonNode.Parse(await app.Api.GetStringAsync($"/api/customers/{ScenarioData.Alpha}/timeline", TestContext.Current.CancellationToken))!["total"]!.GetValue<int>();
        await app.WithDesk(nameof(another_client_opened_is_counted_once_and_a_refresh_changing_nothing_says_nothing), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);
            // Alpha's entries come after its values: the page has the values after each before it has the entries.
            var valuesRead = new TaskCompletionSource();
            desk.Page.Response += (_, response) => { if (response.Url.Contains($"/api/customers/{ScenarioData.Alpha}/value-history")) valuesRead.TrySetResult(); };
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Alpha}/timeline*", async route =>
            {
                await valuesRead.Task.WaitAsync(TimeSpan.FromSeconds(30));
                await Task.Delay(200);
                await route.ContinueAsync();
            });
            await Watch.LiveTexts(desk.Page, "#timeline-count");

            await desk.Open(ScenarioData.AlphaName);

            // Alpha's touchpoints as the service counts them, all read (fewer than a page).
            (await Watch.SaidOnceSettled(desk.Page)).ShouldBe([$"{total} touchpoints, newest first"]);

            await Watch.LiveTexts(desk.Page, "#timeline-count");
            await desk.Page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("Refreshed.");
            await Task.Delay(1000);   // anything a moment late would be noted meanwhile
            (await Watch.Said(desk.Page)).ShouldBeEmpty("the count did not change");
            await Expect(desk.Page.Locator("#timeline-count")).ToHaveTextAsync($"{total} touchpoints, newest first");
        });
    }
}
