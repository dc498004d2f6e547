using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The timeline is drawn again whenever more arrives: the value after each touchpoint a moment
/// after the entries, a newer reading, another order. A decision's inputs the reader opened used
/// to snap shut then, and the keyboard fell off the page.
/// </summary>
public class when_the_timeline_is_drawn_again(BrowserFixture app)
{
    private static readonly TimeSpan Waited = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task the_inputs_opened_stay_open_and_keep_the_keyboard_when_the_values_arrive()
    {
        var values = new TaskCompletionSource();
        await app.WithDesk(nameof(the_inputs_opened_stay_open_and_keep_the_keyboard_when_the_values_arrive), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Beta}/value-history*", async route =>
            {
                await values.Task.WaitAsync(Waited);
                await route.ContinueAsync();
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.BetaName);
            // Beta asks to leave at the seed and gets no offer: the decision is an entry with its inputs folded.
            var decision = desk.Page.Locator("#timeline > li[data-type='retention-not-offered']");
            await Expect(decision).ToHaveCountAsync(1, new() { Timeout = 30_000 });
            var summary = decision.Locator("details:not(.references) > summary");
            await summary.FocusAsync();
            await desk.Page.Keyboard.PressAsync("Enter");
            await Expect(decision.Locator("details:not(.references)")).ToHaveAttributeAsync("open", "");

            values.SetResult();
            await Expect(desk.Page.Locator("#timeline .entry-value").First).ToContainTextAsync("value after: current");

            await Expect(decision.Locator("details:not(.references)")).ToHaveAttributeAsync("open", "");
            await Expect(decision.Locator("details:not(.references) dd").First).ToBeVisibleAsync();
            await Expect(summary).ToBeFocusedAsync();
        });
    }

    [Fact]
    public async Task the_inputs_opened_stay_open_in_the_other_order()
    {
        await app.WithDesk(nameof(the_inputs_opened_stay_open_in_the_other_order), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.BetaName);
            var decision = desk.Page.Locator("#timeline > li[data-type='retention-not-offered']");
            await Expect(decision).ToHaveCountAsync(1, new() { Timeout = 30_000 });
            await decision.Locator("details:not(.references) > summary").ClickAsync();

            await desk.Page.Locator("#timeline-order").SelectOptionAsync("oldest");

            await Expect(decision.Locator("details:not(.references)")).ToHaveAttributeAsync("open", "");
            await Expect(decision.Locator("details:not(.references) dd").First).ToBeVisibleAsync();
        });
    }
}
