using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// "Value tier low" on a card beside "silver tier" in the retention panel, for one client: two vocabularies.
/// The value tier ranks the client among all clients (docs/value.md, "Tiers"); the retention policy's tier
/// sizes an offer from the current value (docs/retention.md, "The policy"). The page says which is which.
/// </summary>
public class when_the_desk_reads_two_kinds_of_tier(BrowserFixture app)
{
    [Fact]
    public async Task the_card_says_the_value_tier_ranks_among_clients_and_the_panel_names_the_retention_tier()
    {
        await app.WithDesk(nameof(the_card_says_the_value_tier_ranks_among_clients_and_the_panel_names_the_retention_tier), async desk =>
        {
            // 12,500 expected margin x 20% cap x 60% (gold, from 5,000) = 1,500.00.
            var inputs = new JsonObject
            {
                ["currentValue"] = 12500m, ["expectedRemainingMargin"] = 12500m, ["offerCapShare"] = 0.2m, ["tierShare"] = 0.6m, ["tierFrom"] = 5000m,
            };
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/retention", async route =>
            {
                var answer = JsonNode.Parse(FakeAnswers.Retention(ScenarioData.Gamma, "offer-made", 1500m, inputs).Body!)!.AsObject();
                answer["pending"]!["offer"]!["rule"] = "gold tier (current value from 5,000): offer 60 % of a cap of 20 % of the expected remaining margin";
                await route.FulfillAsync(FakeAnswers.Json(answer));
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);

            await Expect(desk.Page.Locator(".card", new() { Has = desk.Card("Value tier") }).Locator(".card-note")).ToContainTextAsync("rank among all clients · ");
            await desk.Page.Locator("#offer-sizing").ClickAsync();
            await Expect(desk.Page.Locator("#offer-sizing-words")).ToContainTextAsync(
                "60.0%: the share of the cap the client's retention tier (gold, from a current value of 5,000) gets. " +
                "Retention tiers size offers by the client's current value; they are not the value tier on the cards (low, medium, high: a rank among all clients).");
            await Expect(desk.Retention.Locator(".rule")).ToHaveTextAsync(
                "Retention rule: gold tier (current value from 5,000): offer 60 % of a cap of 20 % of the expected remaining margin");
            await Expect(desk.Retention.Locator("dt", new() { HasTextString = "Retention tier from" })).ToHaveCountAsync(1);
        });
    }
}
