using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A decision without an offer is recorded with its rule's code ("negative-value (formula retention-ltv@0)", docs/retention.md):
/// the panel's inputs said "Retention rule: negative-value ...", and the timeline's entry "retention rule negative-value ...".
/// Both say the rule in words; the code stays in the rule's title.
/// </summary>
public class when_the_desk_reads_why_no_offer_is_made(BrowserFixture app)
{
    private const string Rule = "negative-value (formula retention-ltv@0)";
    private const string RuleInWords = "no offer to a client who costs more than it brings (formula retention-ltv@0)";

    [Fact]
    public async Task the_panel_and_the_timeline_say_the_rule_in_words()
    {
        await app.WithDesk(nameof(the_panel_and_the_timeline_say_the_rule_in_words), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/retention", async route =>
            {
                var answer = JsonNode.Parse(FakeAnswers.Retention(ScenarioData.Gamma, "no-offer").Body!)!.AsObject();
                var pending = answer["pending"]!;
                pending["why"] = "The client costs more than it brings (current value -1,295.45): a costly offer would only deepen the loss.";
                pending["rule"] = Rule;
                pending["inputs"] = new JsonObject { ["currentValue"] = -1295.45m };
                await route.FulfillAsync(FakeAnswers.Json(answer));
            });
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/timeline*", async route =>
            {
                var timeline = JsonNode.Parse(await (await route.FetchAsync()).TextAsync())!.AsObject();
                timeline["entries"]!.AsArray().Add(new JsonObject
                {
                    ["touchpointId"] = "system:assessment:gamma-cancel", ["type"] = "retention-not-offered",
                    ["occurredAt"] = DateTimeOffset.UtcNow.AddMinutes(-4).ToString("O"), ["recordedAt"] = DateTimeOffset.UtcNow.AddMinutes(-4).ToString("O"),
                    ["state"] = "cancellation-requested", ["cancellationTouchpointId"] = "gamma-cancel",
                    ["reason"] = "The client costs more than it brings.", ["rule"] = Rule,
                });
                await route.FulfillAsync(FakeAnswers.Json(timeline));
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);

            await desk.Retention.GetByText("Inputs of the decision").ClickAsync();
            await Expect(desk.Retention.Locator(".rule")).ToHaveTextAsync($"Retention rule: {RuleInWords}");
            await Expect(desk.Retention.Locator(".rule")).ToHaveAttributeAsync("title", Rule);
            await Expect(desk.Page.Locator("#timeline li[data-type='retention-not-offered'] .entry-fields")).ToContainTextAsync($"retention rule {RuleInWords}");
        });
    }
}
