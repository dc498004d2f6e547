using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The audit page's parts each keep their own error. Before, reading a customer's value wiped the whole error region:
/// a replay refused a moment before was no longer said anywhere, its field still marked invalid with nothing to say why;
/// and of a value's parts failing at once only the first was said (until 2026-12-07).
/// </summary>
public class when_an_auditor_reads_a_value_after_a_refused_replay(BrowserFixture app)
{
    // Two days on: today ends at UTC+14, so tomorrow may still be today where the service stands.
    private static string DayToCome => DateTime.UtcNow.Date.AddDays(2).ToString("yyyy-MM-dd");
    private static string Yesterday => DateTime.UtcNow.Date.AddDays(-1).ToString("yyyy-MM-dd");

    [Fact]
    public async Task the_replays_refusal_stays_said_while_values_are_read()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(the_replays_refusal_stays_said_while_values_are_read), async desk =>
        {
            await desk.EnterKey(auditor);
            var page = desk.Page;
            await Expect(page.GetByLabel("Replay under").Locator("option").First).ToBeAttachedAsync();
            await page.GetByLabel("Valued as of").FillAsync(DayToCome);
            await page.GetByRole(AriaRole.Button, new() { Name = "Replay every customer" }).ClickAsync();
            await Expect(desk.Error).ToContainTextAsync("Replay: The request is invalid (400)");

            // A value read well: the replay's refusal is still there, alone.
            var showIt = page.GetByRole(AriaRole.Button, new() { Name = "Show the value and check the events" });
            await page.GetByLabel("Customer id").FillAsync(ScenarioData.Beta);
            await showIt.ClickAsync();
            await Expect(page.Locator("[data-card='Current value']")).ToBeVisibleAsync();
            await Expect(desk.Error.Locator(".error-entry")).ToHaveCountAsync(1);
            await Expect(desk.Error).ToContainTextAsync("Replay: The request is invalid (400)");

            // A value at a day to come, refused: said beside the replay's refusal, not in its place.
            await page.GetByLabel("As of (business date)").FillAsync(DayToCome);
            await showIt.ClickAsync();
            await Expect(desk.Error).ToContainTextAsync("Value at the date: The request is invalid (400)");
            await Expect(desk.Error.Locator(".error-entry")).ToHaveCountAsync(2);
            await Expect(desk.Error).ToContainTextAsync("Replay: The request is invalid (400)");

            // The value read again at a good date: its own refusal goes, the replay's stays until a replay is asked again.
            await page.GetByLabel("As of (business date)").FillAsync(Yesterday);
            await showIt.ClickAsync();
            await Expect(page.Locator("[data-card='Current value']")).ToBeVisibleAsync();
            await Expect(desk.Error).Not.ToContainTextAsync("Value at the date");
            await Expect(desk.Error.Locator(".error-entry")).ToHaveCountAsync(1);
            await Expect(desk.Error).ToContainTextAsync("Replay: The request is invalid (400)");
            await Expect(page.GetByLabel("Valued as of")).ToHaveAttributeAsync("aria-invalid", "true");
        }, path: "/audit.html");
    }

    [Fact]
    public async Task each_part_of_a_value_that_fails_says_so()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(each_part_of_a_value_that_fails_says_so), async desk =>
        {
            await desk.EnterKey(auditor);
            var page = desk.Page;
            // The check of the events and the value history both fail, each for a reason of its own.
            await page.RouteAsync("**/api/customers/*/audit", route => route.FulfillAsync(Problem(500, "The seals could not be read")));
            await page.RouteAsync("**/api/customers/*/value-history?*", route => route.FulfillAsync(Problem(500, "The history could not be read")));
            await page.GetByLabel("Customer id").FillAsync(ScenarioData.Beta);
            await page.GetByRole(AriaRole.Button, new() { Name = "Show the value and check the events" }).ClickAsync();

            await Expect(page.Locator("[data-card='Current value']")).ToBeVisibleAsync();
            await Expect(desk.Error).ToContainTextAsync("Check of the events: The seals could not be read (500)");
            await Expect(desk.Error).ToContainTextAsync("Value history: The history could not be read (500)");
        }, path: "/audit.html");
    }

    private static RouteFulfillOptions Problem(int status, string title) => new()
    {
        Status = status,
        ContentType = "application/problem+json",
        Body = $$"""{"type":"about:blank","title":"{{title}}","status":{{status}}}""",
    };
}
