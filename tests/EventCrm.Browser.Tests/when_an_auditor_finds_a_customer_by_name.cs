using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The audit page asked for a customer id: an auditor who knows the client by name had to open the desk first to
/// learn it. The page now searches by name or email as the desk does, and picking a customer found audits it.
/// </summary>
public class when_an_auditor_finds_a_customer_by_name(BrowserFixture app)
{
    [Fact]
    public async Task the_customer_found_by_name_is_picked_by_keyboard_and_its_value_shown()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(the_customer_found_by_name_is_picked_by_keyboard_and_its_value_shown), async desk =>
        {
            await desk.EnterKey(auditor);
            var page = desk.Page;
            var box = page.GetByLabel("Find the customer by name or email");
            var found = page.GetByRole(AriaRole.List, new() { Name = "Customers found" }).GetByRole(AriaRole.Button);

            await box.FillAsync("gamma trad");
            await box.PressAsync("Enter");
            await Expect(found.First).ToContainTextAsync(ScenarioData.GammaName);
            await Expect(page.Locator("#status")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(" found\\. Arrow keys move through them\\.$"));

            // By keyboard alone: down into the customers found, Enter on the first.
            await box.PressAsync("ArrowDown");
            await page.Keyboard.PressAsync("Enter");

            // Its id filled in, its value read and said on the status line, the keyboard on the answers' heading, in view.
            await Expect(page.GetByLabel("Customer id")).ToHaveValueAsync(ScenarioData.Gamma);
            await Expect(page.Locator("#audit-answer-title")).ToBeFocusedAsync();
            await Expect(page.Locator("#status")).ToHaveTextAsync($"Value of {ScenarioData.GammaName} ({ScenarioData.Gamma}) shown, its events checked.");
            await Expect(page.Locator("[data-card='Current value']")).ToBeVisibleAsync();
            await Expect(page.Locator("#audit-chain")).ToContainTextAsync("Events unaltered");
            await Expect(found.First).ToHaveAttributeAsync("aria-current", "true");
            await Expect(desk.Error).ToBeHiddenAsync();
        }, path: "/audit.html");
    }

    [Fact]
    public async Task a_common_name_is_read_a_page_at_a_time_as_on_the_desk()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(a_common_name_is_read_a_page_at_a_time_as_on_the_desk), async desk =>
        {
            await desk.Page.RouteAsync("**/api/customers?search=*", route => route.FulfillAsync(FakeAnswers.Search(route.Request.Url, total: 60)));
            await desk.EnterKey(auditor);
            var page = desk.Page;
            var box = page.GetByLabel("Find the customer by name or email");
            var found = page.GetByRole(AriaRole.List, new() { Name = "Customers found" }).GetByRole(AriaRole.Button);

            await box.FillAsync("Common");
            await box.PressAsync("Enter");
            await Expect(found).ToHaveCountAsync(50);
            await Expect(page.Locator("#audit-result-count")).ToHaveTextAsync("60 found, 50 shown. Arrow keys move through them.");
            await Expect(page.Locator("#status")).ToHaveTextAsync("60 found, 50 shown. Arrow keys move through them.");

            // To the last one, one further to the button, and press it: the keyboard goes on from the 51st.
            await box.PressAsync("ArrowDown");
            await page.Keyboard.PressAsync("End");
            await page.Keyboard.PressAsync("ArrowDown");
            (await page.EvaluateAsync<string>("document.activeElement.textContent")).ShouldBe("Show 10 more");
            await page.Keyboard.PressAsync("Enter");
            await Expect(found).ToHaveCountAsync(60);
            (await page.EvaluateAsync<string>("document.activeElement.dataset.id")).ShouldBe("common-51");

            // Picking one with the mouse fills in its id, as the keyboard does.
            await page.RouteAsync("**/api/customers/common-57/**", route => route.FulfillAsync(new() { Status = 404, ContentType = "application/problem+json",
                Body = """{"title":"Not found","status":404,"detail":"No customer 'common-57'."}""" }));
            await found.Nth(56).ClickAsync();
            await Expect(page.GetByLabel("Customer id")).ToHaveValueAsync("common-57");
        }, path: "/audit.html");
    }
}
