using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// BG/NBD's purchases expected are a mean, not a count: the "Still active" card said 8.997417 as "9 purchases" beside a
/// client's "94.61", and 1.001 as "1 purchases". They are said to two decimals, the noun singular only where the figure reads 1.00.
/// </summary>
public class when_the_models_expect_a_fraction_of_a_purchase(BrowserFixture app)
{
    [Theory]
    [InlineData(8.997417, "9.00 purchases expected in 52 weeks")]   // 8.997417 to the hundredth: 9.00
    [InlineData(1.001, "1.00 purchase expected in 52 weeks")]       // 1.001 reads 1.00: one purchase
    [InlineData(1.23456, "1.23 purchases expected in 52 weeks")]
    public async Task the_still_active_card_says_them_to_two_decimals(double expected, string said)
    {
        await app.WithDesk($"{nameof(the_still_active_card_says_them_to_two_decimals)}-{expected}", async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/value", async route =>
            {
                var answer = JsonNode.Parse(await (await route.FetchAsync()).TextAsync())!.AsObject();
                var outlook = answer["outlook"]!.AsObject();
                (outlook["expectedPurchases"], outlook["horizonWeeks"]) = (expected, 52);
                await route.FulfillAsync(FakeAnswers.Json(answer));
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);

            await Expect(desk.Page.Locator(".card", new() { Has = desk.Card("Still active") }).Locator(".card-note")).ToContainTextAsync(said);
        });
    }
}
