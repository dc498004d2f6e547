using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A colleague opens the audit page with a desk key (no auditor role). Before, each part the key may not use showed a
/// bare "Forbidden (403)": now the page says which key it needs.
/// </summary>
public class when_a_desk_key_opens_the_audit_page(BrowserFixture app)
{
    [Fact]
    public async Task the_page_says_an_auditor_key_is_needed()
    {
        var deskKey = await app.KeyWithRoles("desk");
        await app.WithDesk(nameof(the_page_says_an_auditor_key_is_needed), async desk =>
        {
            await desk.EnterKey(deskKey);
            var page = desk.Page;
            // The replays made, listed when the page opens, are the auditor's.
            await Expect(desk.Error).ToContainTextAsync("Replays: An auditor key is needed (403)");
            await Expect(desk.Error).ToContainTextAsync("The API key in use may not do this: this page needs an auditor key (or an administrator's).");
            await Expect(desk.Error).ToContainTextAsync("“Change API key” at the top right");

            // The value a desk key may read; the check of the events it may not, said in the same entry.
            await page.GetByLabel("Customer id").FillAsync(ScenarioData.Beta);
            await page.GetByRole(AriaRole.Button, new() { Name = "Show the value and check the events" }).ClickAsync();
            await Expect(desk.Error).ToContainTextAsync("Check of the events: An auditor key is needed (403)");
            await Expect(desk.Error).Not.ToContainTextAsync("Forbidden");
        }, path: "/audit.html");
    }
}
