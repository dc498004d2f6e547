using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// Tables wider than a phone scroll sideways in a box of their own; the page around them must not. On the portfolio page a
/// tier with no offer ended says so to screen readers in a visually hidden "no offer ended", placed out of the flow: it
/// escaped the table's box to the page, which scrolled sideways to 423 px at 375 (and at 320); on the audit page the
/// history's caption was laid out at the table's 891 px and cut off at the screen's edge (until 2026-12-07).
/// </summary>
public class when_the_tables_are_read_on_a_phone(BrowserFixture app)
{
    [Theory]
    [InlineData(375, 740)]
    [InlineData(320, 640)]
    public async Task the_portfolio_does_not_scroll_sideways_for_a_tier_with_no_offer_ended(int width, int height)
    {
        var answer = when_a_manager_reads_how_the_retention_desk_does.November();
        // Bronze: 1 offer made, still open: nothing ended to rate, said "no offer ended".
        answer["outcomes"]!["byTier"]!.AsArray().Add(when_a_manager_reads_how_the_retention_desk_does.Tier("bronze",
            when_a_manager_reads_how_the_retention_desk_does.Offers(1, 0, 0, 0, 0, 1, null, 0, 0)));
        await app.WithDesk($"{nameof(the_portfolio_does_not_scroll_sideways_for_a_tier_with_no_offer_ended)}-{width}", async desk =>
        {
            await desk.Page.RouteAsync("**/api/retention/outcomes*", route => route.FulfillAsync(FakeAnswers.Json(answer)));
            await desk.EnterKey(BrowserFixture.AdminKey);
            var table = desk.Page.GetByRole(AriaRole.Table, new() { Name = "Offers by retention tier", Exact = true });
            await Expect(table.GetByRole(AriaRole.Cell, new() { Name = "no offer ended", Exact = true })).ToHaveCountAsync(1);
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("Portfolio loaded.");

            // The table scrolls in its box, wider than the screen; the page does not.
            var box = await desk.Page.EvaluateAsync<int[]>("() => { const b = document.getElementById('outcomes-by-tier').parentElement; return [b.scrollWidth, b.clientWidth]; }");
            box[0].ShouldBeGreaterThan(box[1], "the table by tier fits the phone: nothing here would scroll");
            (await desk.Page.EvaluateAsync<int>("document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(width, "the portfolio scrolls sideways");
        }, path: "/portfolio.html", width: width, height: height);
    }

    [Fact]
    public async Task the_audit_historys_title_wraps_on_the_screen_and_still_names_the_table()
    {
        const int width = 375;
        const string title = "Value after each touchpoint under the formula in force when it was recorded";
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk(nameof(the_audit_historys_title_wraps_on_the_screen_and_still_names_the_table), async desk =>
        {
            await desk.EnterKey(auditor);
            await desk.Page.GetByLabel("Customer id").FillAsync(ScenarioData.Gamma);
            await desk.Page.GetByRole(AriaRole.Button, new() { Name = "Show the value and check the events" }).ClickAsync();
            var table = desk.Page.GetByRole(AriaRole.Table, new() { Name = title, Exact = true });
            await Expect(table.Locator("tbody tr").First).ToBeVisibleAsync();

            // The title in sight whole: within the screen, on as many lines as it needs.
            var shown = (await desk.Page.GetByText(title, new() { Exact = true }).BoundingBoxAsync()).ShouldNotBeNull();
            (shown.X + shown.Width).ShouldBeLessThanOrEqualTo(width, "the history's title runs past the screen");
            (await desk.Page.EvaluateAsync<int>("document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(width, "the audit page scrolls sideways");
        }, path: "/audit.html", width: width, height: 740);
    }
}
