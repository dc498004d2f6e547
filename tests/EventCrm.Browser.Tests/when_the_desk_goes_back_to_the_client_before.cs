using EventCrm.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A desk agent who opened one client, then another, and presses the browser's Back expects the first client again.
/// Each client opened replaced the address, so Back left the desk for the page before it.
/// </summary>
public class when_the_desk_goes_back_to_the_client_before(BrowserFixture app)
{
    [Fact]
    public async Task back_opens_the_client_open_before_and_forward_the_one_after()
    {
        await app.WithDesk(nameof(back_opens_the_client_open_before_and_forward_the_one_after), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);
            await desk.Open(ScenarioData.BetaName);

            await desk.Page.GoBackAsync();

            await Expect(desk.CustomerTitle).ToHaveTextAsync(ScenarioData.GammaName);
            await Expect(desk.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"#customer={ScenarioData.Gamma}$"));

            await desk.Page.GoForwardAsync();

            await Expect(desk.CustomerTitle).ToHaveTextAsync(ScenarioData.BetaName);
        });
    }
}
