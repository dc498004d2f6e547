using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// An auditor reads a customer's value on a phone, 375 and 320 CSS pixels wide (WCAG 1.4.10, Reflow): the value form kept
/// its two columns, some 90 px a field (a date read "12/01/", the formula "the one", its button six lines), the side
/// panels were 365 px in a 345 px column and the page scrolled sideways (until 2026-12-07).
/// </summary>
public class when_an_auditor_audits_on_a_phone(BrowserFixture app)
{
    [Theory]
    [InlineData(375, 740)]
    [InlineData(320, 640)]
    public async Task the_value_form_is_one_column_and_no_panel_reaches_past_the_screen(int width, int height)
    {
        var auditor = await app.KeyWithRoles("auditor");
        await app.WithDesk($"{nameof(the_value_form_is_one_column_and_no_panel_reaches_past_the_screen)}-{width}", async desk =>
        {
            await desk.EnterKey(auditor);
            var page = desk.Page;
            await page.GetByLabel("Customer id").FillAsync(ScenarioData.Gamma);
            await page.GetByRole(AriaRole.Button, new() { Name = "Show the value and check the events" }).ClickAsync();
            await Expect(page.Locator("[data-card='Current value']")).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Register this version" })).ToBeVisibleAsync();

            // Nothing past the screen's right edge but what scrolls in a box of its own (the history's table).
            var past = await page.EvaluateAsync<string[]>("""
                width => [...document.querySelectorAll("body *")]
                  .filter(e => !e.closest(".history") && e.getBoundingClientRect().right > width)
                  .map(e => `${e.tagName.toLowerCase()}#${e.id} ends at ${Math.round(e.getBoundingClientRect().right)} px`)
                """, width);
            past.ShouldBeEmpty();
            (await page.EvaluateAsync<int>("document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(width, "the page scrolls sideways");
            // Each field of the value form as wide as the form, its label above it: one column.
            var narrow = await page.EvaluateAsync<string[]>("""
                () => {
                  const form = document.getElementById("value-form").getBoundingClientRect();
                  return [...document.querySelectorAll("#value-form input, #value-form select")]
                    .filter(f => f.getBoundingClientRect().width < form.width - 2)
                    .map(f => `${f.id} ${Math.round(f.getBoundingClientRect().width)} px in a form of ${Math.round(form.width)}`);
                }
                """);
            narrow.ShouldBeEmpty();
            // The button's words on two lines at most (15 px type, 1.45 line height, its padding and border: 56 px), not six.
            var button = (await page.GetByRole(AriaRole.Button, new() { Name = "Show the value and check the events" }).BoundingBoxAsync()).ShouldNotBeNull();
            button.Height.ShouldBeLessThanOrEqualTo(56f, "the button's words take more than two lines");
            // No panel wider than the screen, and nothing in a panel past its edge.
            var cut = await page.EvaluateAsync<string[]>("""
                width => [...document.querySelectorAll(".panel")].flatMap(panel => {
                  const edge = panel.getBoundingClientRect().right;
                  return [
                    ...(edge > width ? [`#${panel.id} ends at ${Math.round(edge)} px`] : []),
                    ...[...panel.querySelectorAll(".card, button, input, select, textarea, pre, table")]
                      .filter(e => e.getClientRects().length > 0 && !e.closest(".history") && e.getBoundingClientRect().right > edge + 1)
                      .map(e => `${e.tagName.toLowerCase()} ${(e.textContent || e.id).trim().slice(0, 30)} past #${panel.id}'s edge`)];
                })
                """, width);
            cut.ShouldBeEmpty();
        }, path: "/audit.html", width: width, height: height);
    }
}
