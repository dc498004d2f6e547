using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The client's stream is locked by another transaction as the desk confirms an outcome (an outcome recorded at another
/// desk, an import): the service answers 503 "Customer busy", or 409 when writes on the client kept colliding, in words
/// written for programs ("Send the request again in 2 seconds; touchpoints sent again with the same touchpointIds land
/// once."), which the desk showed as they came. It says in words what happened and what to do, the service's own words
/// folded beneath, as for its other 503s.
/// </summary>
public class when_another_desk_is_recording_for_the_same_client(BrowserFixture app)
{
    // The service's answers word for word: src/Host/Touchpoints/CustomerBusy.cs and PostTouchpoints.cs for a single touchpoint.
    private const string Busy = "The stream of customer demo-000016 is locked by another transaction (still after 2 s): the customer is busy. " +
        "Nothing was appended. Send the request again in 2 seconds; touchpoints sent again with the same touchpointIds land once.";
    private const string Colliding = "Too many concurrent writes on the same customers. Nothing was appended. Retry the request.";

    [Theory]
    [InlineData(503, "Customer busy", Busy,
        "Someone else is recording something for this client at this moment; nothing was recorded. Try again in a few seconds.")]
    [InlineData(409, "Conflict", Colliding,
        "Other changes to this client were being recorded at the same moment; nothing was recorded. Try again.")]
    public async Task the_desk_says_in_words_that_nothing_was_recorded_and_to_try_again(int status, string title, string serviceWords, string words)
    {
        await app.WithDesk($"{nameof(the_desk_says_in_words_that_nothing_was_recorded_and_to_try_again)}-{status}", async desk =>
        {
            var page = desk.Page;
            await page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/retention", route => route.FulfillAsync(FakeAnswers.Retention(ScenarioData.Gamma, "offer-made")));
            await page.RouteAsync("**/api/touchpoints", route => route.Request.Method != "POST" ? route.ContinueAsync() : route.FulfillAsync(new()
            {
                Status = status, ContentType = "application/problem+json",
                Headers = status == 503 ? new Dictionary<string, string> { ["Retry-After"] = "2" } : null,
                Body = new JsonObject { ["title"] = title, ["status"] = status, ["detail"] = serviceWords }.ToJsonString(),
            }));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);

            await desk.Record("Accept offer");

            await Expect(desk.Error).ToContainTextAsync($"Recording the outcome: {title} ({status})");
            await Expect(desk.Error.Locator("p").Filter(new() { HasText = "nothing was recorded" })).ToHaveTextAsync(words);
            await Expect(desk.Error.Locator("details.service-words")).ToContainTextAsync(serviceWords);
        });
    }
}
