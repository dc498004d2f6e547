using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A common name matches more customers than a page holds: the desk reaches every one of them. Before,
/// the search showed the first 50 and said so, and the others could not be reached from the page.
/// </summary>
public class when_a_search_finds_more_than_a_page(BrowserFixture app)
{
    [Fact]
    public async Task show_more_adds_the_next_page_and_the_keyboard_goes_on_from_its_first_customer()
    {
        await app.WithDesk(nameof(show_more_adds_the_next_page_and_the_keyboard_goes_on_from_its_first_customer), async desk =>
        {
            await desk.Page.RouteAsync("**/api/customers?search=*", route => route.FulfillAsync(FakeAnswers.Search(route.Request.Url, total: 60)));
            await desk.EnterKey(BrowserFixture.AdminKey);
            var found = desk.Results.GetByRole(AriaRole.Button);

            await desk.Page.GetByLabel("Name or email").FillAsync("Common");
            await desk.Page.GetByLabel("Name or email").PressAsync("Enter");
            await Expect(found).ToHaveCountAsync(50);
            await Expect(desk.Page.Locator("#result-count")).ToHaveTextAsync("60 found, 50 shown. Arrow keys move through them.");

            // By keyboard alone: into the results, to the last one, one further to the button, and press it.
            await desk.Page.GetByLabel("Name or email").PressAsync("ArrowDown");
            await desk.Page.Keyboard.PressAsync("End");
            await desk.Page.Keyboard.PressAsync("ArrowDown");
            (await desk.Page.EvaluateAsync<string>("document.activeElement.textContent")).ShouldBe("Show 10 more");
            await desk.Page.Keyboard.PressAsync("Enter");

            await Expect(found).ToHaveCountAsync(60);
            await Expect(found.Nth(59)).ToContainTextAsync("Common Name 60");
            await Expect(desk.Page.Locator("#result-count")).ToHaveTextAsync("60 found. Arrow keys move through them.");
            await Expect(desk.Page.GetByRole(AriaRole.Button, new() { Name = "Show 10 more" })).ToBeHiddenAsync();
            (await desk.Page.EvaluateAsync<string>("document.activeElement.dataset.id")).ShouldBe("common-51");
        });
    }
}
