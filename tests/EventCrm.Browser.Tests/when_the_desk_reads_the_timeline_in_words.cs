using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A usability review found the timeline in the service's words: "retention-offer-made", "state cancellation-requested",
/// "offer id offer:demo-000088-0067". The desk reads labels; the order id a client may be asked about stays in the
/// line, named; the service's own ids are folded into the entry's references, still there to copy.
/// </summary>
public class when_the_desk_reads_the_timeline_in_words(BrowserFixture app)
{
    [Fact]
    public async Task types_and_states_are_labels_and_the_services_ids_are_folded_away()
    {
        await app.WithDesk(nameof(types_and_states_are_labels_and_the_services_ids_are_folded_away), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/timeline*", route => route.FulfillAsync(FakeAnswers.TimelinePage(route.Request.Url, Timeline())));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);
            await desk.Page.GetByLabel("Order").SelectOptionAsync("oldest");

            var refund = desk.TimelineEntries.Nth(0);
            await Expect(refund.Locator(".type")).ToHaveTextAsync("Refund");
            await Expect(refund.Locator(".entry-fields")).ToHaveTextAsync("order gamma-o2 · amount 50.00 · margin 5.00");
            var offer = desk.TimelineEntries.Nth(2);
            await Expect(offer.Locator(".type")).ToHaveTextAsync("Retention offer made");
            await Expect(offer.Locator(".entry-state")).ToHaveTextAsync("state cancellation requested");
            await Expect(desk.TimelineEntries.Nth(1).Locator(".entry-state")).ToHaveTextAsync("state → cancellation requested");
            // Not in the line: folded away under "References", the offer's id and the cancellation it answers.
            await Expect(offer.Locator(".entry-fields")).ToHaveTextAsync("amount 100.00 · cost 100.00 · retention rule silver tier (current value from 1,000): " +
                "offer 30 % of a cap of 20 % of the expected remaining margin");
            var references = offer.Locator("details.references");
            await Expect(references.Locator("dd").First).ToBeHiddenAsync();
            await references.Locator("summary").ClickAsync();
            await Expect(references).ToContainTextAsync("Touchpoint idsystem:assessment:gamma-cancel");
            await Expect(references).ToContainTextAsync("Offer idoffer:gamma-cancel");
            await Expect(references).ToContainTextAsync("Cancellation touchpoint idgamma-cancel");
            // The header's state and the type filter in words as well; the codes stay the filter's values.
            await Expect(desk.State).ToHaveTextAsync("Cancellation requested");
            await Expect(desk.Page.GetByLabel("Type").Locator("option[value='retention-offer-made']")).ToHaveTextAsync("Retention offer made (1)");
        });
    }

    // A refund, the request to cancel and the service's offer, as GET /api/customers/{id}/timeline gives them.
    private static JsonObject Timeline() => new()
    {
        ["customerId"] = ScenarioData.Gamma, ["state"] = "cancellation-requested",
        ["entries"] = new JsonArray(
            Entry("gamma-refund", "refund", "2026-01-10T10:00:00+00:00", "active", 1, new() { ["orderId"] = "gamma-o2", ["amount"] = 50m, ["margin"] = 5m }),
            Entry("gamma-cancel", "cancellation-requested", "2026-02-10T10:00:00+00:00", "cancellation-requested", 2, new() { ["reason"] = "price" }),
            Entry("system:assessment:gamma-cancel", "retention-offer-made", "2026-02-10T10:01:00+00:00", "cancellation-requested", 3, new()
            {
                ["cancellationTouchpointId"] = "gamma-cancel", ["offerId"] = "offer:gamma-cancel", ["amount"] = 100m, ["cost"] = 100m,
                ["rule"] = "silver tier (current value from 1,000): offer 30 % of a cap of 20 % of the expected remaining margin",
            })),
    };

    private static JsonObject Entry(string id, string type, string at, string state, int version, JsonObject own)
    {
        var entry = new JsonObject { ["touchpointId"] = id, ["type"] = type, ["occurredAt"] = at, ["recordedAt"] = at, ["state"] = state, ["version"] = version };
        foreach (var (name, value) in own.ToList()) entry[name] = value?.DeepClone();
        return entry;
    }
}
