using System.Net.Http.Json;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>The service assesses a cancellation in the background; the page waits for its decision.</summary>
public class when_a_cancellation_arrives_while_the_desk_looks(BrowserFixture app)
{
    [Fact]
    public async Task the_page_shows_the_assessment_then_the_decision_and_its_timeline_entry()
    {

        await app.WithDesk(nameof(when_a_cancellation_arrives_while_the_desk_looks), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.DeltaName);
            await Expect(desk.Retention).ToContainTextAsync("No pending cancellation");

            var cancellation = ScenarioData.CancellationOf(ScenarioData.Delta, DateTimeOffset.UtcNow, "moving to another site");
            (await app.Api.PostAsJsonAsync("/api/touchpoints", cancellation)).EnsureSuccessStatusCode();
            // The service may decide within a second: the first answer the page gets says it is still assessing.
            await AnswerOnceThatTheServiceIsAssessing(desk.Page, cancellation["touchpointId"]!.GetValue<string>());
            await desk.Page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();

            await Expect(desk.Retention).ToContainTextAsync("Assessing the request");
            // Delta: 15 purchases of margin 300 in 600 days, 2,739 a year at no cost to serve: worth an offer
            // under any retention rate above a third (2,739 x r / (1.08 - r) over the desk's 1,000).
            await Expect(desk.Retention).ToContainTextAsync("Recommended action: retention offer of");
            await Expect(desk.State).ToHaveTextAsync("Cancellation requested");
            await Expect(desk.TimelineEntries.First).ToHaveAttributeAsync("data-type", "retention-offer-made");
        });
    }

    private static async Task AnswerOnceThatTheServiceIsAssessing(IPage page, string cancellationId)
    {
        var answered = false;
        await page.RouteAsync($"**/api/customers/{ScenarioData.Delta}/retention", async route =>
        {
            if (answered)
            {
                await route.ContinueAsync();
                return;
            }
            answered = true;
            await route.FulfillAsync(new()
            {
                Status = 200, ContentType = "application/json",
                Json = new
                {
                    customerId = ScenarioData.Delta, state = "cancellation-requested",
                    pending = new { cancellationTouchpointId = cancellationId, requestedAt = DateTimeOffset.UtcNow, reason = "moving to another site", decision = "assessing", offer = (object?)null, why = "The cancellation is being assessed." },
                },
            });
        });
    }
}
