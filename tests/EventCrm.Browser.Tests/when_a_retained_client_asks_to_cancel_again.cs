using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// demo-000037, retained by a silver offer of 82.76, asked to cancel three more times and was offered 82.76 each time,
/// the desk told nothing of the earlier ones. The cap holds for the offers accepted within the window together: the panel
/// says what they had spent, an offer cut to what was left, and a decision of no offer once nothing was. Answered in the
/// service's place, as it records such decisions (nothing is recorded).
/// </summary>
public class when_a_retained_client_asks_to_cancel_again(BrowserFixture app)
{
    // demo-000037's figures: 1,379.40 of expected remaining margin, a cap of 20 %: 1,379.40 x 0.2 = 275.88; silver's 30 % of
    // it, 82.76. Three offers of 82.76 accepted: 3 x 82.76 = 248.28 spent, 275.88 - 248.28 = 27.60 left, the fourth offer.
    private static JsonObject Inputs(decimal spent, decimal left) => new()
    {
        ["currentValue"] = 1379.40m, ["expectedRemainingMargin"] = 1379.40m, ["historicalProfit"] = 428.15m, ["minimumCurrentValue"] = 1000m,
        ["offerCapShare"] = 0.2m, ["tierFrom"] = 1000m, ["tierShare"] = 0.3m,
        ["spentWithinCapWindow"] = spent, ["capWindowDays"] = 365m, ["capLeft"] = left,
    };

    [Fact]
    public async Task an_offer_cut_to_what_is_left_of_the_cap_says_what_was_already_spent()
    {
        await app.WithDesk(nameof(an_offer_cut_to_what_is_left_of_the_cap_says_what_was_already_spent), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/retention", route =>
            {
                var answer = JsonNode.Parse(FakeAnswers.Retention(ScenarioData.Gamma, "offer-made", 27.60m, Inputs(248.28m, 27.60m)).Body!)!;
                var offer = answer["pending"]!["offer"]!;
                offer["rule"] = "silver tier (current value from 1,000): offer 30 % of a cap of 20 % of the expected remaining margin, cut to what is left of the cap (formula retention-ltv@0)";
                offer["formula"] = "retention-ltv@0";
                offer["tier"] = new JsonObject { ["name"] = "silver", ["from"] = 1000m, ["share"] = 0.3m, ["capShare"] = 0.2m };
                return route.FulfillAsync(FakeAnswers.Json(answer.AsObject()));
            });
            await desk.EnterKey(BrowserFixture.AdminKey);

            await desk.Open(ScenarioData.GammaName);

            await Expect(desk.Retention).ToContainTextAsync("Recommended action: retention offer of 27.60");
            await Expect(desk.Retention.Locator(".why")).ToHaveTextAsync(
                "Why: Offer 27.60 to keep the client: the client is in the silver retention tier (current value from 1,000), whose rule is to offer " +
                "30.0% of a cap of 20.0% of the expected remaining margin (formula retention-ltv@0); already spent 248.28 on this client within " +
                "the window (365 days), leaving 27.60 of the cap: the offer is all that is left.");
            // 1,379.40 x 20% x 30% = 82.76, the tier's share: not the offer, which the line says it was cut to.
            await Expect(desk.Page.Locator("#offer-sizing")).ToHaveTextAsync("How much: 1,379.40 × 20.0% × 30.0% = 82.76, cut to the 27.60 left of the cap");
            await desk.Page.Locator("#offer-sizing").ClickAsync();
            await Expect(desk.Page.Locator("#offer-sizing-words")).ToContainTextAsync(
                "20.0%: the cap, the most the offers accepted within 365 days may cost of that margin together; ");
            await Expect(desk.Page.Locator("#offer-sizing-words")).ToContainTextAsync("Offers accepted within that window had already spent 248.28 of the cap.");
        });
    }

    [Fact]
    public async Task once_the_cap_is_spent_no_offer_is_made_and_the_desk_reads_why_in_its_own_notation()
    {
        await app.WithDesk(nameof(once_the_cap_is_spent_no_offer_is_made_and_the_desk_reads_why_in_its_own_notation), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/retention", route =>
            {
                // The fifth request: 248.28 + 27.60 = 275.88 spent, the whole cap.
                var answer = JsonNode.Parse(FakeAnswers.Retention(ScenarioData.Gamma, "no-offer",
                    why: "Already spent 275.88 on this client within the window (365 days): nothing is left of the cap of 275.88 " +
                         "(20 % of the expected remaining margin 1,379.40) for another offer.").Body!)!;
                answer["pending"]!["rule"] = "cap-spent (formula retention-ltv@0)";
                answer["pending"]!["inputs"] = Inputs(275.88m, 0m);
                return route.FulfillAsync(FakeAnswers.Json(answer.AsObject()));
            });
            await desk.EnterKey(BrowserFixture.AdminKey);

            await desk.Open(ScenarioData.GammaName);

            await Expect(desk.Retention).ToContainTextAsync("Recommended action: no offer");
            // In German: 275,88; 1,379.40 x 0.2 = 275,88 the cap; 20,0 % the page's share.
            await Expect(desk.Retention.Locator(".why")).ToHaveTextAsync(
                "Why: Already spent 275,88 on this client within the window (365 days): nothing is left of the cap of 275,88 " +
                "(20,0 % of the expected remaining margin 1.379,40) for another offer.");
            await Expect(desk.Retention.Locator(".rule")).ToHaveTextAsync(
                "Retention rule: no offer once the offers accepted within the window have spent the cap (formula retention-ltv@0)");
        }, locale: "de-DE");
    }
}
