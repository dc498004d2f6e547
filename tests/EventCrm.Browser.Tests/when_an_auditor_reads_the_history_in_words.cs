using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The audit page's value history named each touchpoint by its API code ("promotion-accepted") where the desk's
/// timeline says "Promotion accepted"; its tier column, the value tier, was headed "Tier" beside the retention
/// panel's retention tiers. The codes stay in data-type and a title.
/// </summary>
public class when_an_auditor_reads_the_history_in_words(BrowserFixture app)
{
    [Fact]
    public async Task each_touchpoint_is_named_as_on_the_desk_and_the_tier_is_the_value_tier()
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(each_touchpoint_is_named_as_on_the_desk_and_the_tier_is_the_value_tier), async desk =>
        {
            await desk.EnterKey(auditor);
            var page = desk.Page;
            await page.GetByLabel("Customer id").FillAsync(ScenarioData.Gamma);
            await page.GetByRole(AriaRole.Button, new() { Name = "Show the value and check the events" }).ClickAsync();

            var history = page.GetByRole(AriaRole.Table, new() { Name = "Value after each touchpoint under the formula in force when it was recorded" });
            // Gamma in business time: the lead (day -20), the signup (day 0), a purchase every 40 days from day 40 to day 480,
            // the refund on day 85, the call on day 130, the visit on day 250, the promotion offered on day 300 and accepted on day 302.
            await Expect(history.Locator("tbody tr td:nth-child(3)")).ToHaveTextAsync([
                "Lead captured", "Signed up", "Purchase", "Purchase", "Refund", "Purchase", "Support call", "Purchase", "Purchase",
                "Purchase", "Visit", "Purchase", "Promotion offered", "Promotion accepted", "Purchase", "Purchase", "Purchase", "Purchase", "Purchase"]);
            await Expect(history.Locator("tbody tr[data-type='promotion-accepted'] td:nth-child(3)")).ToHaveAttributeAsync("title", "promotion-accepted");
            await Expect(history.GetByRole(AriaRole.Columnheader)).ToContainTextAsync(["Touchpoint", "Value tier", "Formula"]);
            await Expect(desk.Error).ToBeHiddenAsync();
        }, path: "/audit.html");
    }
}
