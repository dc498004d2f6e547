using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A keyboard user finds the focus by its ring, on the white panels and in the dark header alike: it
/// stands out 3:1 from what is around it (WCAG 1.4.11).
/// </summary>
public class when_the_keyboard_is_followed_by_eye(BrowserFixture app)
{
    private const string Ring = "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineColor]; }";
    private const string Behind = "e => getComputedStyle(e).backgroundColor";

    [Fact]
    public async Task the_focus_ring_stands_out_from_the_white_panels_and_the_dark_header()
    {
        await app.WithDesk(nameof(the_focus_ring_stands_out_from_the_white_panels_and_the_dark_header), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            var box = desk.Page.GetByLabel("Name or email");
            await Expect(box).ToBeFocusedAsync();
            await desk.Page.Keyboard.PressAsync("Tab");
            var search = desk.Page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true });
            await Expect(search).ToBeFocusedAsync();

            var panel = await desk.Page.Locator(".search").EvaluateAsync<string>(Behind);
            var ring = await search.EvaluateAsync<string[]>(Ring);
            ring[0].ShouldBe("solid");
            ContrastRatio.Between(ring[1], panel).ShouldBeGreaterThanOrEqualTo(3, $"ring {ring[1]} on panel {panel}");

            // Back up to the page's own links, in the dark header.
            var pages = desk.Page.GetByRole(AriaRole.Navigation, new() { Name = "Pages" });
            await pages.GetByRole(AriaRole.Link, new() { Name = "Audit" }).FocusAsync();
            await desk.Page.Keyboard.PressAsync("Shift+Tab");
            var portfolio = pages.GetByRole(AriaRole.Link, new() { Name = "Portfolio" });
            await Expect(portfolio).ToBeFocusedAsync();
            var header = await desk.Page.Locator("header.top").EvaluateAsync<string>(Behind);
            ring = await portfolio.EvaluateAsync<string[]>(Ring);
            ring[0].ShouldBe("solid");
            ContrastRatio.Between(ring[1], header).ShouldBeGreaterThanOrEqualTo(3, $"ring {ring[1]} on header {header}");
        });
    }

    /// <summary>
    /// The customer's section took the keyboard without a ring ("outline: none", until 2026-12-07): a client opened by
    /// keyboard and "Skip to the customer" left a sighted keyboard user not knowing where the keyboard was.
    /// </summary>
    [Fact]
    public async Task the_customer_shows_the_ring_when_the_keyboard_goes_to_it()
    {
        await app.WithDesk(nameof(the_customer_shows_the_ring_when_the_keyboard_goes_to_it), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            var customer = desk.Page.Locator("#customer");
            await desk.Open(ScenarioData.GammaName);   // by the arrow key and Enter
            await Expect(customer).ToBeFocusedAsync();
            var panel = await desk.Page.Locator("html").EvaluateAsync<string>(Behind);   // the page around the section
            var ring = await customer.EvaluateAsync<string[]>(Ring);
            ring[0].ShouldBe("solid", "no ring on the client opened");
            ContrastRatio.Between(ring[1], panel).ShouldBeGreaterThanOrEqualTo(3, $"ring {ring[1]} on the page {panel}");

            // The skip link at the page's start.
            await desk.Page.GetByRole(AriaRole.Link, new() { Name = "Skip to the customer" }).FocusAsync();
            await desk.Page.Keyboard.PressAsync("Enter");
            await Expect(customer).ToBeFocusedAsync();
            (await customer.EvaluateAsync<string[]>(Ring))[0].ShouldBe("solid", "no ring after “Skip to the customer”");
        });
    }
}
