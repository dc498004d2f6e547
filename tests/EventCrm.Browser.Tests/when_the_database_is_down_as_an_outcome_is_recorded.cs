using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The database is down as the desk confirms an offer's acceptance: the service's 503 is written for programs ("Send
/// the request again in 5 seconds; touchpoints sent again with the same touchpointIds land once…") and the desk
/// showed it as it came. It says in words what happened and what to do, the service's own words folded beneath.
/// </summary>
public class when_the_database_is_down_as_an_outcome_is_recorded(BrowserFixture app)
{
    // The service's answer when its database cannot be reached (src/Host/Reliability/FaultProblems.cs), word for word.
    private const string ServiceWords = "The database is unavailable. Send the request again in 5 seconds; touchpoints sent again " +
        "with the same touchpointIds land once, whether or not this attempt reached the store.";

    [Fact]
    public async Task the_desk_says_the_service_cannot_reach_its_database_and_nothing_was_recorded()
    {
        await app.WithDesk(nameof(the_desk_says_the_service_cannot_reach_its_database_and_nothing_was_recorded), async desk =>
        {
            var page = desk.Page;
            await page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/retention", route => route.FulfillAsync(FakeAnswers.Retention(ScenarioData.Gamma, "offer-made")));
            await page.RouteAsync("**/api/touchpoints", route => route.Request.Method != "POST" ? route.ContinueAsync() : route.FulfillAsync(new()
            {
                Status = 503, ContentType = "application/problem+json", Headers = new Dictionary<string, string> { ["Retry-After"] = "5" },
                Body = new System.Text.Json.Nodes.JsonObject { ["title"] = "Service unavailable", ["status"] = 503, ["detail"] = ServiceWords }.ToJsonString(),
            }));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);

            await desk.Record("Accept offer");

            await Expect(desk.Error).ToContainTextAsync("Recording the outcome: Service unavailable (503)");
            await Expect(desk.Error.Locator("p").Filter(new() { HasText = "cannot reach" }))
                .ToHaveTextAsync("The service cannot reach its database; nothing was read or recorded. Try again in a few seconds.");
            await Expect(desk.Error.Locator("details.service-words")).ToContainTextAsync(ServiceWords);
        });
    }
}
