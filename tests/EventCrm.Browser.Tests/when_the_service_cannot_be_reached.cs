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

    /// <summary>
    /// The parts a refresh could not read still show their reading from before; an outcome failing too said only its own
    /// failure, the region's entry naming them gone with it (until 2026-12-07): the agent took the old figures for new.
    /// </summary>
    [Fact]
    public async Task an_outcome_failing_after_a_failed_refresh_leaves_the_parts_showing_their_old_reading_named()
    {
        await app.WithDesk(nameof(an_outcome_failing_after_a_failed_refresh_leaves_the_parts_showing_their_old_reading_named), async desk =>
        {
            // The offer is the page's alone and the answer never leaves it: nothing is recorded for Gamma.
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/retention", route => route.FulfillAsync(FakeAnswers.Retention(ScenarioData.Gamma, "offer-made")));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);
            await Expect(desk.Outcome("Accept offer")).ToBeVisibleAsync();
            await desk.Page.RouteAsync("**/api/**", route => route.AbortAsync("connectionrefused"));
            await desk.Page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
            await Expect(desk.Page.Locator("#status")).ToContainTextAsync("Refresh incomplete");

            await desk.Record("Accept offer");

            var entries = desk.Error.Locator(".error-entry");
            await Expect(entries.Filter(new() { HasText = "Recording the outcome: The service cannot be reached" })).ToHaveCountAsync(1);
            await Expect(entries).ToHaveCountAsync(2);
            // The reads' entry, which says the page may be out of date, still names every part showing its old reading.
            var stale = entries.Filter(new() { HasText = "What the page shows may be out of date" }).Locator(".error-title");
            foreach (var part in new[] { "Timeline", "Value", "Retention", "Work list" }) await Expect(stale).ToContainTextAsync(part);
            await Expect(desk.TimelineEntries.First).ToBeVisibleAsync();
        });
    }

    /// <summary>A search answered while the timeline could not be read emptied the error region, the timeline still showing its old reading (until 2026-12-07).</summary>
    [Fact]
    public async Task a_part_stays_named_until_it_is_read_again_whatever_else_is_answered_meanwhile()
    {
        await app.WithDesk(nameof(a_part_stays_named_until_it_is_read_again_whatever_else_is_answered_meanwhile), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);
            var timelineRoute = $"**/api/customers/{ScenarioData.Gamma}/timeline*";
            await desk.Page.RouteAsync(timelineRoute, route => route.AbortAsync("connectionrefused"));
            var refresh = desk.Page.GetByRole(AriaRole.Button, new() { Name = "Refresh" });
            await refresh.ClickAsync();
            await Expect(desk.Error).ToContainTextAsync("Timeline: The service cannot be reached");

            await desk.Search(ScenarioData.BetaName);
            await Expect(desk.Page.Locator("#result-count")).ToContainTextAsync("found");

            await Expect(desk.Error).ToBeVisibleAsync();
            await Expect(desk.Error.Locator(".error-title")).ToHaveTextAsync("Timeline: The service cannot be reached");

            // The timeline read again: its entry goes, and the refresh is whole.
            await desk.Page.UnrouteAsync(timelineRoute);
            await refresh.ClickAsync();
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("Refreshed.");
            await Expect(desk.Error).ToBeHiddenAsync();
        });
    }
}
