using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A client picked by name from the search said "Opening gamma-trading…" while its record was read: the id, where
/// the desk had just read the name. It says the name it was picked by; opened from an address, only the id is known.
/// </summary>
public class when_the_desk_opens_a_client_by_name(BrowserFixture app)
{
    [Fact]
    public async Task the_page_says_the_name_while_the_client_is_read()
    {
        await app.WithDesk(nameof(the_page_says_the_name_while_the_client_is_read), async desk =>
        {
            // The record is held back until the page has been read: what it says meanwhile can be seen.
            var release = new TaskCompletionSource();
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}", async route =>
            {
                await release.Task;
                await route.ContinueAsync();
            });
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Search(ScenarioData.GammaName);
            await desk.Results.GetByRole(AriaRole.Button, new() { NameRegex = new(ScenarioData.GammaName) }).ClickAsync();

            await Expect(desk.CustomerTitle).ToHaveTextAsync($"Opening {ScenarioData.GammaName}…");
            release.SetResult();
            await Expect(desk.CustomerTitle).ToHaveTextAsync(ScenarioData.GammaName);
        });
    }
}
