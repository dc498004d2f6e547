using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The work list is read again every 30 s while the desk moves through it by keyboard. A client
/// answered at another desk meanwhile leaves the list: the keyboard stays in the list, on the client
/// that took its place, and never falls back to the page's start.
/// </summary>
public class when_a_client_the_keyboard_is_on_leaves_the_work_list(BrowserFixture app)
{
    [Fact]
    public async Task the_keyboard_goes_to_the_client_that_took_its_place_then_to_the_lists_heading()
    {
        (string, string)[] asking = [("ordinary-01", "Ordinary Customer 01"), ("ordinary-02", "Ordinary Customer 02"), ("ordinary-03", "Ordinary Customer 03")];
        await app.WithDesk(nameof(the_keyboard_goes_to_the_client_that_took_its_place_then_to_the_lists_heading), async desk =>
        {
            await desk.Page.Clock.InstallAsync();
            await desk.Page.RouteAsync("**/api/retention/pending*", route => route.FulfillAsync(FakeAnswers.WorkList(asking)));
            await desk.EnterKey(BrowserFixture.AdminKey);
            var list = desk.Page.GetByRole(AriaRole.List, new() { Name = "Clients asking to cancel" });
            await Expect(list.GetByRole(AriaRole.Button)).ToHaveCountAsync(3);
            // From the search box, back into the list's last client, then up one.
            await desk.Page.Keyboard.PressAsync("Shift+Tab");
            await desk.Page.Keyboard.PressAsync("ArrowUp");
            await Expect(list.GetByRole(AriaRole.Button, new() { Name = "Ordinary Customer 02" })).ToBeFocusedAsync();

            asking = [asking[0], asking[2]];
            await desk.Page.Clock.RunForAsync(31_000);

            await Expect(list.GetByRole(AriaRole.Button)).ToHaveCountAsync(2);
            await Expect(list.GetByRole(AriaRole.Button, new() { Name = "Ordinary Customer 03" })).ToBeFocusedAsync();

            asking = [];
            await desk.Page.Clock.RunForAsync(31_000);

            await Expect(desk.Page.Locator("#worklist-count")).ToHaveTextAsync("Nobody is asking to cancel.");
            await Expect(desk.Page.GetByRole(AriaRole.Heading, new() { Name = "Asking to cancel" })).ToBeFocusedAsync();
        });
    }
}
