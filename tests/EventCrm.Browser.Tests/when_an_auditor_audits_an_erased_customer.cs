using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// An erased customer's events verify (each erased value by the hash sealed before the erasure), and the page said only
/// "Events unaltered: all 7 sealed events of the customer match their seals": nothing told the auditor that the personal
/// data is gone (an external audit, 2026-12-07). The check's answer is given here as the service gives it after the
/// erasure of a customer with a lead, a signup, two purchases, a refund and a support call (the erasure its seventh event).
/// </summary>
public class when_an_auditor_audits_an_erased_customer(BrowserFixture app)
{
    [Fact]
    public async Task an_erased_customer_is_said_erased_beside_events_unaltered()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(an_erased_customer_is_said_erased_beside_events_unaltered), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Beta}/audit", route => route.FulfillAsync(FakeAnswers.Json(new JsonObject
            {
                ["customerId"] = ScenarioData.Beta, ["valid"] = true, ["checked"] = 7, ["unsealed"] = 0, ["firstMismatch"] = null,
                ["dependsOn"] = new JsonArray(),
                ["erasures"] = new JsonArray(new JsonObject
                {
                    ["sequence"] = 412, ["version"] = 7, ["erasedAt"] = "2026-12-07T14:03:00+00:00",
                    ["fields"] = new JsonArray("name", "email", "source", "reason"),
                }),
            })));
            await desk.EnterKey(auditor);
            await desk.Page.GetByLabel("Customer id").FillAsync(ScenarioData.Beta);
            await desk.Page.GetByRole(AriaRole.Button, new() { Name = "Show the value and check the events" }).ClickAsync();

            // The moment in UTC, named so, in the reader's notation (here "Dec 7, 2026, 2:03 PM UTC").
            await Expect(desk.Page.Locator("#audit-chain")).ToHaveTextAsync(new Regex(
                "^Events unaltered: all 7 sealed events of the customer match their seals\\. Personal data erased: name, email, source and reason " +
                "on .*2026.*UTC, by the service's erasure \\(event 412, version 7\\); those fields read “\\[erased\\]” and match the hashes " +
                "sealed before the erasure\\.$"));
            await Expect(desk.Page.Locator("#audit-chain")).ToContainTextAsync("2:03");
        }, path: "/audit.html");
    }
}
