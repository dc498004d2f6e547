using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A desk worker with low vision zooms a 1280x720 window to 200%: the page is 640x360 CSS pixels. It
/// reflows into one column (WCAG 1.4.10): nothing is cut off at its panel's edge, nothing scrolls sideways.
/// </summary>
public class when_the_pages_are_zoomed_to_200_percent(BrowserFixture app)
{
    private const int Width = 640, Height = 360;
    private const string Client = "ordinary-03", Name = "Ordinary Customer 03";

    [Fact]
    public async Task a_client_opened_from_the_work_list_by_keyboard_is_scrolled_into_sight_in_one_column()
    {
        await app.WithDesk(nameof(a_client_opened_from_the_work_list_by_keyboard_is_scrolled_into_sight_in_one_column), async desk =>
        {
            await desk.Page.RouteAsync("**/api/retention/pending*", route => route.FulfillAsync(FakeAnswers.WorkList((Client, Name))));
            await desk.Page.RouteAsync($"**/api/customers/{Client}/retention", route => route.FulfillAsync(FakeAnswers.Retention(Client, "no-offer")));
            await desk.EnterKey(BrowserFixture.AdminKey);
            var list = desk.Page.GetByRole(AriaRole.List, new() { Name = "Clients asking to cancel" });
            await Expect(list.GetByRole(AriaRole.Button)).ToHaveCountAsync(1);

            // The keyboard starts in the search box, under the work list: one step back is the client asking to cancel.
            await desk.Page.Keyboard.PressAsync("Shift+Tab");
            await Expect(list.GetByRole(AriaRole.Button, new() { Name = Name })).ToBeFocusedAsync();
            await desk.Page.Keyboard.PressAsync("Enter");

            await Expect(desk.CustomerTitle).ToHaveTextAsync(Name);
            await Expect(desk.Outcome("Let the client go")).ToBeVisibleAsync();
            await Expect(desk.Page.Locator("#customer")).ToBeFocusedAsync();
            // The customer is below the lists: the keyboard going there brings it into sight.
            var title = (await desk.CustomerTitle.BoundingBoxAsync()).ShouldNotBeNull();
            title.Y.ShouldBeInRange(0f, Height - title.Height, "the customer opened is out of sight");
            // One column: the retention panel as wide as the timeline's, one above the other.
            var retention = (await desk.Page.Locator("#retention").BoundingBoxAsync()).ShouldNotBeNull();
            var timeline = (await desk.Page.Locator(".timeline").BoundingBoxAsync()).ShouldNotBeNull();
            retention.Width.ShouldBe(timeline.Width, 1f);
            timeline.Y.ShouldBeGreaterThan(retention.Y);
            await NothingCutOffNorSideways(desk.Page);
        }, width: Width, height: Height);
    }

    [Fact]
    public async Task the_audit_shows_a_customers_value_without_scrolling_sideways()
    {
        await app.WithDesk(nameof(the_audit_shows_a_customers_value_without_scrolling_sideways), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Page.GetByLabel("Customer id").FillAsync(Client);
            await desk.Page.GetByLabel("Customer id").PressAsync("Enter");

            await Expect(desk.Page.Locator("#audit-value .card")).ToHaveCountAsync(4);
            await Expect(desk.Page.GetByRole(AriaRole.Table)).ToBeVisibleAsync();
            await NothingCutOffNorSideways(desk.Page);
        }, path: "/audit.html", width: Width, height: Height);
    }

    [Fact]
    public async Task the_portfolio_shows_its_figures_quadrants_key_figures_and_data_quality_without_scrolling_sideways()
    {
        await app.WithDesk(nameof(the_portfolio_shows_its_figures_quadrants_key_figures_and_data_quality_without_scrolling_sideways), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);

            await Expect(desk.Page.Locator("#pareto-figures .card")).ToHaveCountAsync(5);
            await Expect(desk.Page.Locator(".quadrant")).ToHaveCountAsync(4);
            await Expect(desk.Page.Locator("#kpi-figures .card")).ToHaveCountAsync(6);
            await Expect(desk.Page.Locator("#quality-figures .card")).ToHaveCountAsync(3);
            // The cohort table is wider than 640 px: it scrolls in its own box, which the keyboard reaches, not the page.
            await Expect(desk.Page.GetByRole(AriaRole.Region, new() { Name = "Signup cohorts" })).ToBeVisibleAsync();
            await NothingCutOffNorSideways(desk.Page);
            // The period's fields and button side by side or wrapped, but all inside the panel.
            var panel = (await desk.Page.Locator("#kpis").BoundingBoxAsync()).ShouldNotBeNull();
            var button = (await desk.Page.GetByRole(AriaRole.Button, new() { Name = "Show the figures" }).BoundingBoxAsync()).ShouldNotBeNull();
            (button.X + button.Width).ShouldBeLessThanOrEqualTo(panel.X + panel.Width);
        }, path: "/portfolio.html", width: Width, height: Height);
    }

    /// <summary>The page is no wider than the window, and no card, control or chart sticks out of its panel.</summary>
    private static async Task NothingCutOffNorSideways(IPage page)
    {
        (await page.EvaluateAsync<int>("document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(Width, "the page scrolls sideways");
        var cut = await page.EvaluateAsync<string[]>(@"() => [...document.querySelectorAll('.panel, .search, .worklist, .customer')].flatMap(panel => {
            const edge = panel.getBoundingClientRect().right;
            return [...panel.querySelectorAll('.card, button, input, select, textarea, svg')]
              .filter(e => e.getClientRects().length > 0 && !e.closest('.history') && e.getBoundingClientRect().right > edge + 1)
              .map(e => `${e.tagName.toLowerCase()} ${(e.textContent || e.id).trim().slice(0, 30)} in #${panel.id || panel.className}`);
          })");
        cut.ShouldBeEmpty();
    }
}
