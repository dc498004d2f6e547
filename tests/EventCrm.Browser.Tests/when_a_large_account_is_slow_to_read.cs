using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A large account's value, value history and timeline take seconds to read. The chart and the timeline stood blank,
/// the retention panel came first and the value cards, arriving after it, pushed its Accept and Decline about 120 px
/// down under the pointer. Each part says it is loading, and the panel's buttons appear once the cards are in place,
/// where they then stay.
/// </summary>
public class when_a_large_account_is_slow_to_read(BrowserFixture app)
{
    [Fact]
    public async Task each_part_says_it_is_loading_and_the_offers_buttons_do_not_move()
    {
        var value = new TaskCompletionSource();
        var rest = new TaskCompletionSource();
        await app.WithDesk(nameof(each_part_says_it_is_loading_and_the_offers_buttons_do_not_move), async desk =>
        {
            var page = desk.Page;
            var client = $"**/api/customers/{ScenarioData.Gamma}";
            // The offer answered here (Gamma is not asking to cancel): its buttons are what the pointer goes for.
            await page.RouteAsync($"{client}/retention", route => route.FulfillAsync(FakeAnswers.Retention(ScenarioData.Gamma, "offer-made")));
            await page.RouteAsync($"{client}/value", async route => { await value.Task; await route.ContinueAsync(); });
            await page.RouteAsync($"{client}/value-history**", async route => { await rest.Task; await route.ContinueAsync(); });
            await page.RouteAsync($"{client}/timeline**", async route => { await rest.Task; await route.ContinueAsync(); });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Search(ScenarioData.GammaName);
            await desk.Results.GetByRole(AriaRole.Button).First.ClickAsync();
            await Expect(desk.CustomerTitle).ToHaveTextAsync(ScenarioData.GammaName);

            await Expect(page.Locator("#value-chart")).ToHaveTextAsync("Loading the value over time…");
            await Expect(page.Locator("#timeline")).ToHaveTextAsync("Loading the timeline…");
            await Expect(desk.ValueCards).ToHaveTextAsync("Loading the value…");
            await Expect(page.Locator("#retention")).ToContainTextAsync("Loading…");
            await Expect(desk.Outcome("Accept offer")).Not.ToBeVisibleAsync();

            value.SetResult();
            await Expect(desk.Card("Current value")).ToBeVisibleAsync();
            await Expect(desk.Outcome("Accept offer")).ToBeVisibleAsync();
            var before = (await desk.Outcome("Accept offer").BoundingBoxAsync()).ShouldNotBeNull();

            rest.SetResult();
            await Expect(desk.TimelineEntries.First).ToBeVisibleAsync();
            await Expect(page.Locator("#value-chart svg")).ToBeVisibleAsync();
            var after = (await desk.Outcome("Accept offer").BoundingBoxAsync()).ShouldNotBeNull();
            (after.Y, after.X).ShouldBe((before.Y, before.X), "Accept offer moved once the chart and the timeline came");
        });
    }
}
