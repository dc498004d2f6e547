using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>Seed 000, Beta: a client who costs more than it brings asks to leave; no effort is spent to keep it.</summary>
public class when_a_low_value_client_asks_to_cancel(BrowserFixture app)
{
    [Fact]
    public async Task the_desk_sees_that_no_offer_is_recommended_and_why()
    {

        await app.WithDesk(nameof(when_a_low_value_client_asks_to_cancel), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.BetaName);

            await Expect(desk.State).ToHaveTextAsync("cancellation-requested");
            await Expect(desk.Retention).ToContainTextAsync("too expensive");
            await Expect(desk.Retention).ToContainTextAsync("Recommended action: no offer", new() { Timeout = 30_000 });
            await Expect(desk.Retention.Locator(".why")).Not.ToBeEmptyAsync();
            await Expect(desk.Page.GetByRole(AriaRole.Button, new() { Name = "Accept offer" })).ToHaveCountAsync(0);
            await Expect(desk.TimelineEntries.First).ToHaveAttributeAsync("data-type", "retention-not-offered");
        });
    }
}
