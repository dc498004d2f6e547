using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>Seed 000, Alpha: a client worth keeping asks to leave; the desk makes the recommended offer and keeps it.</summary>
public class when_a_high_value_client_asks_to_cancel(BrowserFixture app)
{
    [Fact]
    public async Task the_desk_sees_the_recommended_offer_accepts_it_and_the_client_is_retained()
    {

        await app.WithDesk(nameof(when_a_high_value_client_asks_to_cancel), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.AlphaName);

            await Expect(desk.State).ToHaveTextAsync("cancellation-requested");
            (await desk.TimelineTypes()).ShouldContain("cancellation-requested");
            await Expect(desk.Card("Tier")).ToHaveTextAsync("high");
            await Expect(desk.Retention).ToContainTextAsync("a competitor offers a lower price");
            await Expect(desk.Retention).ToContainTextAsync("Recommended action: retention offer", new() { Timeout = 30_000 });
            await Expect(desk.Retention.Locator(".why")).Not.ToBeEmptyAsync();
            await Expect(desk.TimelineEntries.First).ToHaveAttributeAsync("data-type", "retention-offer-made");

            await desk.Page.GetByRole(AriaRole.Button, new() { Name = "Accept offer" }).PressAsync("Enter");

            await Expect(desk.State).ToHaveTextAsync("retained");
            await Expect(desk.TimelineEntries.First).ToHaveAttributeAsync("data-type", "retention-offer-accepted");
            await Expect(desk.TimelineEntries.First).ToContainTextAsync("state → retained");
            await Expect(desk.Retention).ToContainTextAsync("No pending cancellation");
            await Expect(desk.Page.GetByRole(AriaRole.Button, new() { Name = "Accept offer" })).ToHaveCountAsync(0);
        });
    }
}
