using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The audit and data-quality pages name clients by id alone. Pasted into the desk's search, an id found nothing
/// unless the client's name or email happened to hold it: the search finds the client whose id it is, first.
/// </summary>
public class when_the_desk_pastes_a_client_id(BrowserFixture app)
{
    [Fact]
    public async Task the_search_lists_that_client_and_enter_opens_it()
    {
        await app.WithDesk(nameof(the_search_lists_that_client_and_enter_opens_it), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            var found = desk.Results.GetByRole(AriaRole.Button);

            // Neither the name ("Ordinary Customer 07") nor the email ("buyer07@ordinary.example") holds "ordinary-07";
            // pasted with the spaces a selection on another page brings.
            await desk.Search("  ordinary-07 ");

            await Expect(found).ToHaveCountAsync(1);
            await Expect(found.First).ToContainTextAsync("Ordinary Customer 07");
            await Expect(desk.Page.Locator("#result-count")).ToHaveTextAsync("1 found. Arrow keys move through them.");
            await desk.Page.GetByLabel("Name or email, or an id").PressAsync("ArrowDown");
            await desk.Page.Keyboard.PressAsync("Enter");
            await Expect(desk.CustomerTitle).ToHaveTextAsync("Ordinary Customer 07");
        });
    }
}
