using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A desk agent on a phone (375x740) confirms "Yes, accept the offer" while another writer holds the client: the service
/// answers 503 "Customer busy". Its error went to the region at the page's top, 1,286 px above the screen, nothing in
/// sight changed, and the confirm, disabled while sending, had dropped the keyboard to the page's body (until 2026-12-07).
/// </summary>
public class when_an_outcome_is_refused_on_a_phone(BrowserFixture app)
{
    [Fact]
    public async Task the_refusal_is_said_beside_the_question_and_the_confirm_keeps_the_keyboard()
    {
        await app.WithDesk(nameof(the_refusal_is_said_beside_the_question_and_the_confirm_keeps_the_keyboard), async desk =>
        {
            // Answered in the service's place, in its words (src/Host/Touchpoints/CustomerBusy.cs): nothing is recorded for Gamma.
            var answerTheOutcome = new TaskCompletionSource();
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/retention", route => route.FulfillAsync(FakeAnswers.Retention(ScenarioData.Gamma, "offer-made")));
            await desk.Page.RouteAsync("**/api/touchpoints", async route =>
            {
                await answerTheOutcome.Task;
                await route.FulfillAsync(new()
                {
                    Status = 503, ContentType = "application/problem+json", Headers = new Dictionary<string, string> { ["Retry-After"] = "2" },
                    Body = new JsonObject
                    {
                        ["title"] = "Customer busy", ["status"] = 503,
                        ["detail"] = $"The stream of customer {ScenarioData.Gamma} is locked by another transaction (an import, say): the customer is busy. " +
                            "Nothing was appended. Send the request again in 2 seconds; touchpoints sent again with the same touchpointIds land once.",
                    }.ToJsonString(),
                });
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);

            await desk.Outcome("Accept offer").ClickAsync();
            await desk.Confirm.ClickAsync();

            // While it is sent: the confirm keeps the keyboard, and says it cannot be pressed again.
            await Expect(desk.Confirm).ToHaveAttributeAsync("aria-disabled", "true");
            await Expect(desk.Confirm).ToBeFocusedAsync();
            answerTheOutcome.SetResult();

            // Said beside the question, in sight, and read with the confirm the keyboard is still on.
            const string words = "Someone else is recording something for this client at this moment; nothing was recorded. Try again in a few seconds.";
            var refused = desk.Question.GetByText(words);
            await Expect(refused).ToBeInViewportAsync();
            await Expect(desk.Confirm).ToBeFocusedAsync();
            await Expect(desk.Confirm).ToHaveAccessibleDescriptionAsync($"Customer busy: {words}");
            await Expect(desk.Confirm).Not.ToHaveAttributeAsync("aria-disabled", new Regex("true"));
            await Expect(desk.Error).ToContainTextAsync("Recording the outcome: Customer busy (503)");
        }, width: 375, height: 740);
    }
}
