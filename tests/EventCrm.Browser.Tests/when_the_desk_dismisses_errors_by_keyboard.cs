using System.Text.RegularExpressions;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// Errors are shown at the top, each with its Dismiss. A keyboard user who dismisses one is not sent
/// back to the page's start: the keyboard goes to the next error, then back to where it was.
/// </summary>
public class when_the_desk_dismisses_errors_by_keyboard(BrowserFixture app)
{
    private static RouteFulfillOptions Failure => new()
    {
        Status = 500, ContentType = "application/problem+json",
        Body = """{"title":"Internal Server Error","status":500,"detail":"The database did not answer."}""",
    };

    [Fact]
    public async Task each_dismiss_names_its_error_and_the_last_one_gives_the_keyboard_back_to_the_search_box()
    {
        var listFails = false;
        await app.WithDesk(nameof(each_dismiss_names_its_error_and_the_last_one_gives_the_keyboard_back_to_the_search_box), async desk =>
        {
            await desk.Page.Clock.InstallAsync();
            await desk.Page.RouteAsync("**/api/retention/pending*", route => route.FulfillAsync(
                listFails ? Failure : FakeAnswers.WorkList(("ordinary-04", "Ordinary Customer 04"))));
            await desk.Page.RouteAsync(new Regex(@"/api/customers\?search="), route => route.FulfillAsync(Failure));
            await desk.EnterKey(BrowserFixture.AdminKey);
            var box = desk.Page.GetByLabel("Name or email");
            await Expect(box).ToBeFocusedAsync();
            await desk.Page.Keyboard.TypeAsync("gamma");
            await desk.Page.Keyboard.PressAsync("Enter");
            await Expect(desk.Error).ToContainTextAsync("Search: Internal Server Error (500)");
            // The work list's reading 30 s later fails too: two errors at once.
            listFails = true;
            await desk.Page.Clock.RunForAsync(31_000);
            await Expect(desk.Error).ToContainTextAsync("Work list: Internal Server Error (500)");

            // Back from the search box, past the work list's client and its "Sort by": the newest error's Dismiss.
            var dismiss = desk.Error.GetByRole(AriaRole.Button, new() { Name = "Dismiss" });
            await desk.Page.Keyboard.PressAsync("Shift+Tab");
            await desk.Page.Keyboard.PressAsync("Shift+Tab");
            await Expect(desk.Page.Locator("#worklist").GetByLabel("Sort by", new() { Exact = true })).ToBeFocusedAsync();
            await desk.Page.Keyboard.PressAsync("Shift+Tab");
            await Expect(dismiss.Last).ToBeFocusedAsync();
            await Expect(dismiss.Last).ToHaveAccessibleDescriptionAsync("Work list: Internal Server Error (500)");
            await desk.Page.Keyboard.PressAsync("Enter");

            await Expect(dismiss).ToHaveCountAsync(1);
            await Expect(dismiss).ToBeFocusedAsync();
            await Expect(dismiss).ToHaveAccessibleDescriptionAsync("Search: Internal Server Error (500)");
            await desk.Page.Keyboard.PressAsync("Enter");

            await Expect(desk.Error).ToBeHiddenAsync();
            await Expect(box).ToBeFocusedAsync();
        });
    }
}
