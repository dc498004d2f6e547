using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A date after today, refused by the service (nothing is known of days to come). Before, the refusal showed but the
/// note under it said "No touchpoint on or before the date asked" over the customer's rows, the field was not marked,
/// and a replay's refused "Valued as of" date was called "the “As of” date", the other form's field.
/// </summary>
public class when_an_auditor_asks_about_a_date_to_come(BrowserFixture app)
{
    // Two days on: today ends at UTC+14 (the service's "today" where the day has begun), so tomorrow may still be today.
    private static string DayToCome => DateTime.UtcNow.Date.AddDays(2).ToString("yyyy-MM-dd");

    [Fact]
    public async Task the_as_of_field_is_marked_and_no_row_is_said_to_answer_it()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(the_as_of_field_is_marked_and_no_row_is_said_to_answer_it), async desk =>
        {
            await desk.EnterKey(auditor);
            var page = desk.Page;
            await page.GetByLabel("Customer id").FillAsync(ScenarioData.Beta);
            await page.GetByLabel("As of (business date)").FillAsync(DayToCome);
            await page.GetByRole(AriaRole.Button, new() { Name = "Show the value and check the events" }).ClickAsync();

            await Expect(desk.Error).ToContainTextAsync("Value at the date: The request is invalid (400)");
            await Expect(desk.Error).ToContainTextAsync("the “As of” date must not be after today");
            await Expect(page.GetByLabel("As of (business date)")).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(page.GetByLabel("As known at (recording date)")).ToHaveAttributeAsync("aria-invalid", "false");
            // Beta's touchpoints are listed (its history is not dated), none of them said to answer the date refused.
            await Expect(page.Locator("#audit-history tbody tr").First).ToBeVisibleAsync();
            await Expect(page.Locator("#audit-history tr.as-of-row")).ToHaveCountAsync(0);
            var note = page.Locator("#audit-history-note");
            await Expect(note).ToContainTextAsync("No row is highlighted: the date asked was refused (the error above says why).");
            await Expect(note).Not.ToContainTextAsync("No touchpoint on or before the date asked");

            // A date the service accepts: the mark goes.
            await page.GetByLabel("As of (business date)").FillAsync(DateTime.UtcNow.Date.AddDays(-1).ToString("yyyy-MM-dd"));
            await page.GetByRole(AriaRole.Button, new() { Name = "Show the value and check the events" }).ClickAsync();
            await Expect(page.Locator("[data-card='Current value']")).ToBeVisibleAsync();
            await Expect(page.GetByLabel("As of (business date)")).ToHaveAttributeAsync("aria-invalid", "false");
        }, path: "/audit.html");
    }

    [Fact]
    public async Task a_replay_valued_as_of_a_day_to_come_names_its_own_field()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(a_replay_valued_as_of_a_day_to_come_names_its_own_field), async desk =>
        {
            await desk.EnterKey(auditor);
            var page = desk.Page;
            await Expect(page.GetByLabel("Replay under").Locator("option").First).ToBeAttachedAsync();
            await page.GetByLabel("Valued as of").FillAsync(DayToCome);
            await page.GetByRole(AriaRole.Button, new() { Name = "Replay every customer" }).ClickAsync();

            await Expect(desk.Error).ToContainTextAsync("Replay: The request is invalid (400)");
            await Expect(desk.Error).ToContainTextAsync("the “Valued as of” date must not be after today");
            await Expect(desk.Error.Locator("p").Nth(1)).Not.ToContainTextAsync("“As of”");
            await Expect(page.GetByLabel("Valued as of")).ToHaveAttributeAsync("aria-invalid", "true");
        }, path: "/audit.html");
    }
}
