using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A client on the phone asks to cancel; the agent must say why the offer is that size. The rule names
/// shares ("60 % of a cap of 20 % of the expected remaining margin") but not the sum: the panel shows it.
/// </summary>
public class when_the_desk_explains_the_size_of_an_offer(BrowserFixture app)
{
    [Fact]
    public async Task the_offer_is_shown_as_the_margin_times_the_cap_times_the_tiers_share()
    {
        await app.WithDesk(nameof(the_offer_is_shown_as_the_margin_times_the_cap_times_the_tiers_share), async desk =>
        {
            // 12,500 expected margin x 20% cap x 60% (gold) = 1,500.00, as the service would have rounded it.
            var inputs = new JsonObject
            {
                ["currentValue"] = 12500m, ["expectedRemainingMargin"] = 12500m, ["offerCapShare"] = 0.2m, ["tierShare"] = 0.6m, ["tierFrom"] = 5000m,
                ["historicalProfit"] = 4000m, ["minimumCurrentValue"] = 1000m,
            };
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/retention",
                route => route.FulfillAsync(FakeAnswers.Retention(ScenarioData.Gamma, "offer-made", 1500m, inputs)));
            await desk.EnterKey(BrowserFixture.AdminKey);

            await desk.Open(ScenarioData.GammaName);

            await Expect(desk.Retention).ToContainTextAsync("Recommended action: retention offer of 1,500.00");
            // Shown, not folded away with the inputs: the agent reads it out while the client waits; what each factor is, one click away.
            await Expect(desk.Page.Locator("#offer-sizing")).ToBeVisibleAsync();
            await Expect(desk.Page.Locator("#offer-sizing")).ToHaveTextAsync("How much: 12,500.00 × 20.0% × 60.0% = 1,500.00");
            await desk.Page.Locator("#offer-sizing").ClickAsync();
            await Expect(desk.Page.Locator("#offer-sizing-words")).ToHaveTextAsync("12,500.00: the margin the client was expected to bring from then on when the request was assessed (the Current value card shows the value now); " +
                "20.0%: the cap, the most an offer may cost of that margin; 60.0%: the share of the cap the client's retention tier (from a current value of 5,000) gets. " +
                "Retention tiers size offers by the client's current value; they are not the value tier on the cards (low, medium, high: a rank among all clients).");
            // The card gives the value now; the line under the cards the value the sum starts from, the one assessed (Gamma's value now is not 12,500).
            await Expect(desk.Page.Locator(".card", new() { Has = desk.Card("Current value") }).Locator(".card-note")).ToContainTextAsync("expected from now on (retention-ltv@0)");
            await Expect(desk.Page.Locator("#value-then")).ToContainTextAsync(" now; 12,500.00 when the request was assessed, the work list's figure: the value the offer is sized on.");
        });
    }

    [Fact]
    public async Task a_decision_without_those_inputs_shows_no_sum()
    {
        await app.WithDesk(nameof(a_decision_without_those_inputs_shows_no_sum), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/retention",
                route => route.FulfillAsync(FakeAnswers.Retention(ScenarioData.Gamma, "offer-made", 100m,
                    new JsonObject { ["currentValue"] = 2000m, ["historicalProfit"] = 300m })));
            await desk.EnterKey(BrowserFixture.AdminKey);

            await desk.Open(ScenarioData.GammaName);

            await Expect(desk.Retention).ToContainTextAsync("Recommended action: retention offer of 100.00");
            await Expect(desk.Page.Locator("#offer-sizing")).ToHaveCountAsync(0);
            await Expect(desk.Retention.Locator("summary")).ToHaveTextAsync("Inputs of the decision");
        });
    }
}
