using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// Asked as of and as known at 2025-03-31, before anything about the customer was recorded, the audit page
/// showed "not known at knownAt 2025-03-31T23:59:59.9999999+00:00": a parameter's name and a moment to the
/// tenth of a microsecond. It says which date that is and what it means; the service's words stay one click away.
/// </summary>
public class when_an_auditor_asks_about_a_date_before_the_customer_was_known(BrowserFixture app)
{
    [Fact]
    public async Task the_refusal_says_the_date_in_words_and_keeps_the_services_detail()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(the_refusal_says_the_date_in_words_and_keeps_the_services_detail), async desk =>
        {
            var page = desk.Page;
            await desk.EnterKey(auditor);
            await page.GetByLabel("Customer id").FillAsync(ScenarioData.Beta);
            await page.GetByLabel("As of (business date)").FillAsync("2025-03-31");
            await page.GetByLabel("As known at (recording date)").FillAsync("2025-03-31");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show the value and check the events" }).ClickAsync();

            // Beta's touchpoints were all recorded when the scenarios seeded it, long after 2025-03-31.
            var seeded = app.SeededAt.UtcDateTime.ToString("MMM d, yyyy", System.Globalization.CultureInfo.GetCultureInfo("en-US"));
            await Expect(desk.Error).ToContainTextAsync($"Customer {ScenarioData.Beta} was not yet in the records at the end of Mar 31, 2025 (UTC), " +
                "the “As known at” date asked: nothing about them had been recorded by then.");
            await Expect(desk.Error).ToContainTextAsync($"choose an “As known at” date on or after {seeded}, or leave it empty for what is known now.");
            var serviceWords = desk.Error.Locator("details.service-words").First;
            await Expect(serviceWords.Locator("code")).ToBeHiddenAsync();
            await serviceWords.Locator("summary").ClickAsync();
            await Expect(serviceWords.Locator("code")).ToContainTextAsync("was not known at knownAt 2025-03-31T23:59:59.9999999+00:00");
        }, path: "/audit.html");
    }
}
