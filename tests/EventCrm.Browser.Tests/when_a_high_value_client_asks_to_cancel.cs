using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
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

            await Expect(desk.State).ToHaveTextAsync("Cancellation requested");
            (await desk.TimelineTypes()).ShouldContain("cancellation-requested");
            await Expect(desk.Card("Value tier")).ToHaveTextAsync("high");
            await Expect(desk.Retention).ToContainTextAsync("a competitor offers a lower price");
            await Expect(desk.Retention).ToContainTextAsync("Recommended action: retention offer", new() { Timeout = 30_000 });
            await Expect(desk.Retention.Locator(".why")).Not.ToBeEmptyAsync();
            await Expect(desk.TimelineEntries.First).ToHaveAttributeAsync("data-type", "retention-offer-made");

            var offer = JsonNode.Parse(await app.Api.GetStringAsync($"/api/customers/{ScenarioData.Alpha}/retention"))!["pending"]!["offer"]!;
            var english = CultureInfo.GetCultureInfo("en-US");
            var (amount, cost) = (offer["amount"]!.GetValue<decimal>().ToString("N2", english), offer["cost"]!.GetValue<decimal>().ToString("N2", english));

            // Enter asks first; the keyboard is on the question, read out with what a confirm records; Tab reaches the confirm.
            await desk.Outcome("Accept offer").PressAsync("Enter");
            await Expect(desk.Question).ToContainTextAsync(
                $"Accept the offer of {amount} for {ScenarioData.AlphaName}? The client will be recorded as retained, and the offer's cost {cost} becomes a retention cost.");
            await Expect(desk.Question.Locator("p")).ToBeFocusedAsync();
            await desk.Page.Keyboard.PressAsync("Tab");
            await Expect(desk.Confirm).ToBeFocusedAsync();
            await desk.Page.Keyboard.PressAsync("Enter");

            await Expect(desk.State).ToHaveTextAsync("Retained");
            await Expect(desk.TimelineEntries.First).ToHaveAttributeAsync("data-type", "retention-offer-accepted");
            await Expect(desk.TimelineEntries.First).ToContainTextAsync("state → retained");
            await Expect(desk.Retention).ToContainTextAsync("No pending cancellation");
            await Expect(desk.Page.GetByRole(AriaRole.Button, new() { Name = "Accept offer" })).ToHaveCountAsync(0);
            // The button pressed is gone with the offer: the keyboard goes on from the panel's heading, not from the page's top.
            await Expect(desk.Page.GetByRole(AriaRole.Heading, new() { Name = "Retention" })).ToBeFocusedAsync();
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("Offer accepted.");
        });
    }

    [Fact]
    public async Task a_desk_user_records_that_the_client_declined_the_offer()
    {
        var deskKey = await app.KeyWithRoles("desk");
        await app.WithDesk(nameof(a_desk_user_records_that_the_client_declined_the_offer), async desk =>
        {
            await desk.EnterKey(deskKey);
            await desk.Open(ScenarioData.ZetaName);
            await Expect(desk.Retention).ToContainTextAsync("Recommended action: retention offer", new() { Timeout = 30_000 });
            // Declining loses the client as letting it go does: the same red outline, unlike accepting.
            await Expect(desk.Outcome("Decline offer")).ToHaveCSSAsync("border-top-color", "rgb(179, 38, 30)");
            await Expect(desk.Outcome("Accept offer")).Not.ToHaveCSSAsync("border-top-color", "rgb(179, 38, 30)");

            await desk.Record("Decline offer");

            await Expect(desk.State).ToHaveTextAsync("Churned");
            await Expect(desk.TimelineEntries.First).ToHaveAttributeAsync("data-type", "retention-offer-declined");
            await Expect(desk.Retention).ToContainTextAsync("No pending cancellation");
            await Expect(desk.Error).ToBeHiddenAsync();
        });
    }

    [Fact]
    public async Task an_offer_answered_elsewhere_meanwhile_is_refused_clearly_and_the_panel_shows_what_happened()
    {
        await app.WithDesk(nameof(an_offer_answered_elsewhere_meanwhile_is_refused_clearly_and_the_panel_shows_what_happened), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.EtaName);
            await Expect(desk.Retention).ToContainTextAsync("Recommended action: retention offer", new() { Timeout = 30_000 });

            // Another desk user records the client's refusal while this page still shows the offer.
            var retention = JsonNode.Parse(await app.Api.GetStringAsync($"/api/customers/{ScenarioData.Eta}/retention"))!;
            var declined = new JsonObject
            {
                ["type"] = "retention-offer-declined", ["touchpointId"] = $"eta-declined-{Guid.NewGuid():N}", ["customerId"] = ScenarioData.Eta,
                ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O"), ["offerId"] = retention["pending"]!["offer"]!["offerId"]!.GetValue<string>(),
            };
            (await app.Api.PostAsJsonAsync("/api/touchpoints", declined)).EnsureSuccessStatusCode();
            await desk.Record("Accept offer");

            await Expect(desk.Error).ToContainTextAsync("Recording the outcome");
            await Expect(desk.Error).ToContainTextAsync("not an open retention offer");
            await Expect(desk.State).ToHaveTextAsync("Churned");
            await Expect(desk.Retention).ToContainTextAsync("No pending cancellation");
            await Expect(desk.Page.GetByRole(AriaRole.Button, new() { Name = "Accept offer" })).ToHaveCountAsync(0);
            await Expect(desk.Page.GetByRole(AriaRole.Heading, new() { Name = "Retention" })).ToBeFocusedAsync();
        });
    }
}
