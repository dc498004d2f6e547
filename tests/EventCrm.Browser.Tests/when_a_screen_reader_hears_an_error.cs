using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The error region was itself the assertive live region (role alert, atomic): rewritten once per part failing, a refresh
/// without the service was said four times within 30 ms ("Timeline: ...", "Timeline, Value: ...", ...), and each
/// announcement read the status code, the fold's label and the Dismiss button with the message (until 2026-12-07). What is
/// said is said once for the errors coming together, in the parts' names and the message's words. Every assertive live
/// region of the page is listened to, whichever it is.
/// </summary>
public class when_a_screen_reader_hears_an_error(BrowserFixture app)
{
    private const string Assertive = "[role=alert], [aria-live=assertive]";
    private const string Unreachable = "The service cannot be reached. No answer from the EventCrm service: it may be stopped or restarting, " +
        "or the network is down. What the page shows may be out of date: try again in a moment.";

    [Fact]
    public async Task a_refresh_without_the_service_is_said_once_naming_every_part()
    {
        await app.WithDesk(nameof(a_refresh_without_the_service_is_said_once_naming_every_part), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);
            await desk.Page.RouteAsync("**/api/**", route => route.AbortAsync("connectionrefused"));
            await Watch.LiveTexts(desk.Page, Assertive);

            await desk.Page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
            await Expect(desk.Page.Locator("#status")).ToContainTextAsync("Refresh incomplete");

            // The four parts a refresh reads fail in the order their reads come back: said once, the four named.
            var said = (await Watch.SaidOnceSettled(desk.Page)).ShouldHaveSingleItem();
            said.ShouldEndWith($": {Unreachable}");
            foreach (var part in new[] { "Timeline", "Value", "Retention", "Work list" }) said.ShouldContain(part);
            said.Split(':')[0].Split(", ").Length.ShouldBe(4);
        });
    }

    [Fact]
    public async Task the_key_figures_and_the_retention_desk_failing_together_are_said_once()
    {
        await app.WithDesk(nameof(the_key_figures_and_the_retention_desk_failing_together_are_said_once), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("Portfolio loaded.");
            await desk.Page.RouteAsync("**/api/**", route => route.AbortAsync("connectionrefused"));
            await Watch.LiveTexts(desk.Page, Assertive);

            await desk.Page.GetByLabel("To", new() { Exact = true }).PressAsync("Enter");

            var said = (await Watch.SaidOnceSettled(desk.Page)).ShouldHaveSingleItem();
            said.ShouldBeOneOf($"Key figures, Retention desk: {Unreachable}", $"Retention desk, Key figures: {Unreachable}");
        }, path: "/portfolio.html");
    }

    [Fact]
    public async Task a_refused_outcome_is_said_in_words_without_its_status_code_its_fold_or_its_button()
    {
        const string client = ScenarioData.Gamma;
        await app.WithDesk(nameof(a_refused_outcome_is_said_in_words_without_its_status_code_its_fold_or_its_button), async desk =>
        {
            await desk.Page.RouteAsync($"**/api/customers/{client}/retention", route => route.FulfillAsync(FakeAnswers.Retention(client, "offer-made")));
            await desk.Page.RouteAsync("**/api/touchpoints", route => route.FulfillAsync(FakeAnswers.OfferNoLongerOpen(client)));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);
            await Watch.LiveTexts(desk.Page, Assertive);

            await desk.Record("Accept offer");

            (await Watch.SaidOnceSettled(desk.Page)).ShouldBe([
                "Recording the outcome: This offer can no longer be answered: it was accepted or declined meanwhile (at another desk, say), " +
                "it expired, or the client left. Nothing was recorded: the retention panel, read again, shows the client as it is now, " +
                "and its timeline what was recorded."]);
            // Shown as before: the status code, the service's own words folded beneath, and a Dismiss that works.
            await Expect(desk.Error.Locator(".error-title")).ToHaveTextAsync("Recording the outcome: Not found (404)");
            await Expect(desk.Error.Locator("details.service-words summary")).ToHaveTextAsync("The service's own words");
            await desk.Error.GetByRole(AriaRole.Button, new() { Name = "Dismiss" }).PressAsync("Enter");
            await Expect(desk.Error).ToBeHiddenAsync();
        });
    }
}
