using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A customer whose events are all too new to be sealed (the sealer seals each within seconds of its recording): the
/// check verified nothing. Before, the page said "Events unaltered: all 0 sealed events of the customer match their
/// seals, 1 recorded too recently to be sealed yet." The check's answer is given here (checked 0, unsealed 1), as the
/// service gives it in the seconds before the sealer reaches a new customer.
/// </summary>
public class when_an_auditor_audits_a_customer_not_sealed_yet(BrowserFixture app)
{
    [Fact]
    public async Task nothing_is_called_unaltered_and_the_page_says_when_it_can_be_checked()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(nothing_is_called_unaltered_and_the_page_says_when_it_can_be_checked), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Beta}/audit", route => route.FulfillAsync(FakeAnswers.Json(new JsonObject
            {
                ["customerId"] = ScenarioData.Beta, ["valid"] = true, ["checked"] = 0, ["unsealed"] = 1, ["firstMismatch"] = null,
                ["dependsOn"] = new JsonArray(),
            })));
            await desk.EnterKey(auditor);
            var page = desk.Page;
            await page.GetByLabel("Customer id").FillAsync(ScenarioData.Beta);
            await page.GetByRole(AriaRole.Button, new() { Name = "Show the value and check the events" }).ClickAsync();

            var chain = page.Locator("#audit-chain");
            await Expect(chain).ToHaveTextAsync("Events not checked yet: the customer's only event was recorded too recently to be sealed. " +
                "Seals are written by the service within seconds of recording: show the value again in a moment to check them.");
            await Expect(chain).Not.ToContainTextAsync("unaltered");
            await Expect(chain.Locator(".good")).ToHaveCountAsync(0);
        }, path: "/audit.html");
    }
}
