using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The client's stream is locked by another transaction as the desk confirms an outcome (an outcome recorded at another
/// desk, an import): the service answers 503 "Customer busy", or 409 when writes on the client kept colliding, in words
/// written for programs ("Send the request again in 2 seconds; touchpoints sent again with the same touchpointIds land
/// once."), which the desk showed as they came. It says in words what happened and what to do, the service's own words
/// folded beneath, as for its other 503s. The 503 comes from a lock really held; the 409, which takes writes colliding
/// past the service's retries, is answered in its place.
/// </summary>
public class when_another_desk_is_recording_for_the_same_client(BrowserFixture app)
{
    // A seeded client whose other scenarios answer its writes in the service's place: nothing else writes its stream.
    private const string Client = "ordinary-12", Name = "Ordinary Customer 12";

    /// <summary>
    /// The lock is real (a transaction of the test's holds the client's stream), so the 503 and its words are the
    /// service's own: a change of their wording that the page no longer recognises fails here.
    /// </summary>
    [Fact]
    public async Task a_client_held_by_another_writer_is_said_busy_in_words_and_nothing_is_recorded()
    {
        await app.WithDesk(nameof(a_client_held_by_another_writer_is_said_busy_in_words_and_nothing_is_recorded), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{Client}/retention", route => route.FulfillAsync(FakeAnswers.Retention(Client, "offer-made")));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(Name);
            var before = await app.EventTypesOf(Client);

            await using (await app.HoldStreamOf(Client))
            {
                await desk.Record("Accept offer");

                await Expect(desk.Error).ToContainTextAsync("Recording the outcome: Customer busy (503)", new() { Timeout = 15_000 });
            }

            await Expect(desk.Error.Locator("p").Filter(new() { HasText = "nothing was recorded" })).ToHaveTextAsync(
                "Someone else is recording something for this client at this moment; nothing was recorded. Try again in a few seconds.");
            await Expect(desk.Error.Locator("details.service-words")).ToContainTextAsync($"The stream of customer {Client} is locked by another transaction");
            (await app.EventTypesOf(Client)).ShouldBe(before);
        });
    }

    /// <summary>Writes on the client colliding past the service's retries (not made at will here): answered in its place.</summary>
    [Fact]
    public async Task writes_colliding_on_the_client_are_said_in_words_too()
    {
        const string colliding = "Too many concurrent writes on the same customers. Nothing was appended. Retry the request.";
        await app.WithDesk(nameof(writes_colliding_on_the_client_are_said_in_words_too), async desk =>
        {
            var page = desk.Page;
            await page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/retention", route => route.FulfillAsync(FakeAnswers.Retention(ScenarioData.Gamma, "offer-made")));
            await page.RouteAsync("**/api/touchpoints", route => route.Request.Method != "POST" ? route.ContinueAsync() : route.FulfillAsync(new()
            {
                Status = 409, ContentType = "application/problem+json",
                Body = new JsonObject { ["title"] = "Conflict", ["status"] = 409, ["detail"] = colliding }.ToJsonString(),
            }));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);

            await desk.Record("Accept offer");

            await Expect(desk.Error).ToContainTextAsync("Recording the outcome: Conflict (409)");
            await Expect(desk.Error.Locator("p").Filter(new() { HasText = "nothing was recorded" })).ToHaveTextAsync(
                "Other changes to this client were being recorded at the same moment; nothing was recorded. Try again.");
            await Expect(desk.Error.Locator("details.service-words")).ToContainTextAsync(colliding);
        });
    }
}
