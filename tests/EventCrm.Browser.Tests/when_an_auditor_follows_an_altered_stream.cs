using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The check of the whole log lists the altered streams, each with a link to its customer. The link opened the desk;
/// an auditor's next step is that customer's own audit, its value and the check of its events, on the audit page.
/// The service's check answered in its place with one altered stream (nothing is altered in the seed).
/// </summary>
public class when_an_auditor_follows_an_altered_stream(BrowserFixture app)
{
    [Fact]
    public async Task its_link_fills_and_runs_the_audit_form_for_that_customer()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(its_link_fills_and_runs_the_audit_form_for_that_customer), async desk =>
        {
            var page = desk.Page;
            await page.RouteAsync("**/api/audit/verify", route => route.FulfillAsync(FakeAnswers.Json(new JsonObject
            {
                ["valid"] = false, ["streams"] = 35, ["checked"] = 400, ["unsealed"] = 0,
                ["altered"] = new JsonArray(new JsonObject
                {
                    ["customerId"] = ScenarioData.Gamma, ["database"] = "main",
                    ["firstMismatch"] = new JsonObject { ["sequence"] = 120, ["version"] = 3, ["problem"] = "the event differs from its seal" },
                }),
            })));
            await desk.EnterKey(auditor);
            await desk.AuditPageRead();
            await page.GetByRole(AriaRole.Button, new() { Name = "Check every customer's chain" }).ClickAsync();

            var altered = page.GetByRole(AriaRole.List, new() { Name = "Altered streams" });
            await Expect(altered).ToContainTextAsync($"{ScenarioData.GammaName} ({ScenarioData.Gamma}) (database main): event 120, version 3: the event differs from its seal");
            await altered.GetByRole(AriaRole.Link, new() { Name = $"{ScenarioData.GammaName} ({ScenarioData.Gamma})" }).ClickAsync();

            // Still the audit page, its form filled in with the customer and run, the keyboard on the answers: they and the
            // check of the customer's events (the seed's own events, unaltered).
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/audit\.html(#.*)?$"));
            await Expect(page.GetByLabel("Customer id")).ToHaveValueAsync(ScenarioData.Gamma);
            await Expect(page.Locator("#audit-answer-title")).ToHaveTextAsync($"What the service answers for {ScenarioData.Gamma}");
            await Expect(page.Locator("#audit-answer-title")).ToBeFocusedAsync();
            await Expect(page.Locator("#audit-chain")).ToContainTextAsync("Events unaltered:");
            await Expect(desk.Error).ToBeHiddenAsync();
        }, path: "/audit.html");
    }
}
