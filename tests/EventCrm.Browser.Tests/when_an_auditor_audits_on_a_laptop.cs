using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// On a laptop (1366x768 less the browser's bars: 1366x657) the audit form fills the screen: the cards and the check
/// came below it, and nothing showed that they had. The answers' heading now comes into view when they arrive.
/// </summary>
public class when_an_auditor_audits_on_a_laptop(BrowserFixture app)
{
    [Fact]
    public async Task the_answers_heading_comes_into_view_and_takes_the_keyboard_from_the_button()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(the_answers_heading_comes_into_view_and_takes_the_keyboard_from_the_button), async desk =>
        {
            await desk.EnterKey(auditor);
            var page = desk.Page;
            await page.GetByLabel("Customer id").FillAsync(ScenarioData.Gamma);
            await page.GetByRole(AriaRole.Button, new() { Name = "Show the value and check the events" }).ClickAsync();

            var heading = page.GetByRole(AriaRole.Heading, new() { Name = $"What the service answers for {ScenarioData.Gamma}" });
            await Expect(heading).ToBeInViewportAsync();
            await Expect(heading).ToBeFocusedAsync();
            await Expect(page.Locator("[data-card='Current value']")).ToBeInViewportAsync();
        }, path: "/audit.html", width: 1366, height: 657);
    }

    [Fact]
    public async Task picked_by_name_the_answers_come_into_view_with_the_keyboard()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(picked_by_name_the_answers_come_into_view_with_the_keyboard), async desk =>
        {
            await desk.EnterKey(auditor);
            var page = desk.Page;
            var box = page.GetByLabel("Find the customer by name or email");
            await box.FillAsync("gamma trad");
            await box.PressAsync("Enter");
            await Expect(page.GetByRole(AriaRole.List, new() { Name = "Customers found" }).GetByRole(AriaRole.Button).First).ToContainTextAsync(ScenarioData.GammaName);
            await box.PressAsync("ArrowDown");
            await page.Keyboard.PressAsync("Enter");

            var heading = page.GetByRole(AriaRole.Heading, new() { Name = $"What the service answers for {ScenarioData.GammaName} ({ScenarioData.Gamma})" });
            await Expect(heading).ToBeInViewportAsync();
            await Expect(page.Locator("[data-card='Current value']")).ToBeInViewportAsync();
            // The keyboard where the eye is: left on the id, it was off screen above (2.4.7).
            await Expect(heading).ToBeFocusedAsync();
        }, path: "/audit.html", width: 1366, height: 657);
    }
}
