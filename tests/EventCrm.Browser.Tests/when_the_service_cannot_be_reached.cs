using System.Text.RegularExpressions;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The service stopped while the desk works (a restart, the network down): the browser's own
/// "Failed to fetch" told the agent nothing, and after an outcome not whether the client's answer was kept.
/// </summary>
public class when_the_service_cannot_be_reached(BrowserFixture app)
{
    [Fact]
    public async Task a_search_says_the_service_gives_no_answer_and_to_try_again()
    {
        await app.WithDesk(nameof(a_search_says_the_service_gives_no_answer_and_to_try_again), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Page.RouteAsync("**/api/customers?search=*", route => route.AbortAsync("connectionrefused"));

            await desk.Search("gamma");

            await Expect(desk.Error).ToContainTextAsync("Search: The service cannot be reached");
            await Expect(desk.Error).ToContainTextAsync("try again in a moment");
            await Expect(desk.Error).Not.ToContainTextAsync("Failed to fetch");
        });
    }

    [Fact]
    public async Task an_outcome_sent_without_an_answer_says_it_may_not_be_recorded()
    {
        await app.WithDesk(nameof(an_outcome_sent_without_an_answer_says_it_may_not_be_recorded), async desk =>
        {
            // The offer is the page's alone and the answer never leaves it: nothing is recorded for Gamma.
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/retention", route => route.FulfillAsync(FakeAnswers.Retention(ScenarioData.Gamma, "offer-made")));
            await desk.Page.RouteAsync("**/api/touchpoints", route => route.AbortAsync("connectionrefused"));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);

            await desk.Record("Accept offer");

            await Expect(desk.Error).ToContainTextAsync("Recording the outcome: The service cannot be reached");
            await Expect(desk.Error).ToContainTextAsync("Whether this was recorded is not known");
            await Expect(desk.Error).Not.ToContainTextAsync("Failed to fetch");
        });
    }

    [Fact]
    public async Task a_refresh_without_an_answer_says_it_is_incomplete_not_refreshed()
    {
        await app.WithDesk(nameof(a_refresh_without_an_answer_says_it_is_incomplete_not_refreshed), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);
            await desk.Page.RouteAsync("**/api/**", route => route.AbortAsync("connectionrefused"));

            await desk.Page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();

            await Expect(desk.Error).ToContainTextAsync(new Regex("Timeline.*: The service cannot be reached"));
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync(
                "Refresh incomplete: the parts named at the top of the page could not be read and still show what they showed before.");
            // What was shown stays, to read while the service is away.
            await Expect(desk.CustomerTitle).ToHaveTextAsync(ScenarioData.GammaName);
            await Expect(desk.TimelineEntries.First).ToBeVisibleAsync();
        });
    }

    /// <summary>Every part the refresh reads fails for the one reason: four entries alike said it four times (until 2026-12-06).</summary>
    [Fact]
    public async Task a_refresh_without_an_answer_says_so_once_naming_every_part()
    {
        await app.WithDesk(nameof(a_refresh_without_an_answer_says_so_once_naming_every_part), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);
            await desk.Page.RouteAsync("**/api/**", route => route.AbortAsync("connectionrefused"));

            await desk.Page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
            await Expect(desk.Page.Locator("#status")).ToContainTextAsync("Refresh incomplete");

            await Expect(desk.Error.Locator(".error-entry")).ToHaveCountAsync(1);
            var title = desk.Error.Locator(".error-title");
            await Expect(title).ToContainTextAsync(": The service cannot be reached");
            foreach (var part in new[] { "Timeline", "Value", "Retention", "Work list" }) await Expect(title).ToContainTextAsync(part);
            await Expect(desk.Error.GetByRole(AriaRole.Button, new() { Name = "Dismiss" })).ToHaveCountAsync(1);
        });
    }
}
