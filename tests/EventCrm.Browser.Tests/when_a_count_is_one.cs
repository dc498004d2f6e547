using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>"1 sealed events", "1 touchpoints": a count of one is said in the singular, the verb agreeing with it.</summary>
public class when_a_count_is_one(BrowserFixture app)
{
    [Fact]
    public async Task the_audit_says_one_sealed_event_matches_its_seal()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(the_audit_says_one_sealed_event_matches_its_seal), async desk =>
        {
            // A customer with one sealed event, its value computed from a model fitted once.
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Beta}/audit", route => route.FulfillAsync(FakeAnswers.Json(new JsonObject
            {
                ["customerId"] = ScenarioData.Beta, ["valid"] = true, ["checked"] = 1, ["unsealed"] = 0, ["firstMismatch"] = null,
                ["dependsOn"] = new JsonArray(new JsonObject
                {
                    ["streamId"] = "system:portfolio-model", ["valid"] = true, ["checked"] = 1, ["unsealed"] = 0, ["firstMismatch"] = null,
                }),
            })));
            await desk.EnterKey(auditor);
            await desk.Page.GetByLabel("Customer id").FillAsync(ScenarioData.Beta);
            await desk.Page.GetByRole(AriaRole.Button, new() { Name = "Show the value and check the events" }).ClickAsync();

            await Expect(desk.Page.Locator("#audit-chain")).ToHaveTextAsync("Events unaltered: the customer's only sealed event matches its seal.");
            await Expect(desk.Page.Locator("#audit-inputs")).ToHaveTextAsync("Formulas and model unaltered: portfolio model: 1 sealed event matches its seal.");
        }, path: "/audit.html");
    }

    [Fact]
    public async Task the_timeline_of_one_touchpoint_counts_it_in_the_singular()
    {
        await app.WithDesk(nameof(the_timeline_of_one_touchpoint_counts_it_in_the_singular), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/timeline*", route => route.FulfillAsync(FakeAnswers.TimelinePage(route.Request.Url, new JsonObject
            {
                ["customerId"] = ScenarioData.Gamma, ["state"] = "active",
                ["entries"] = new JsonArray(new JsonObject
                {
                    ["touchpointId"] = "gamma-signup", ["type"] = "signed-up", ["occurredAt"] = "2026-01-10T10:00:00+00:00",
                    ["recordedAt"] = "2026-01-10T10:00:00+00:00", ["state"] = "active", ["version"] = 1, ["segment"] = "smb",
                }),
            })));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);

            await Expect(desk.Page.Locator("#timeline-count")).ToHaveTextAsync("1 touchpoint, newest first");
            await desk.Page.GetByLabel("Type").SelectOptionAsync("signed-up");
            await Expect(desk.Page.Locator("#timeline-count")).ToHaveTextAsync("1 of 1 touchpoint (signed up)");
        });
    }
}
