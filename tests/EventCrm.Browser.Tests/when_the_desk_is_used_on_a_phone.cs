using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A desk agent away from the desk opens the page on a phone, 390 CSS pixels wide: the key is given, a client is
/// opened and read without the page scrolling sideways, and the value chart's legend is read, not guessed.
/// </summary>
public class when_the_desk_is_used_on_a_phone(BrowserFixture app)
{
    private const int Width = 390, Height = 844;
    // Read only, by nobody else's scenario: a history long enough to draw the chart.
    private const string Name = "Ordinary Customer 17";

    [Fact]
    public async Task the_key_dialog_the_header_and_a_client_fit_the_width_and_the_legend_is_legible()
    {
        await app.WithDesk(nameof(the_key_dialog_the_header_and_a_client_fit_the_width_and_the_legend_is_legible), async desk =>
        {
            await Expect(desk.KeyDialog).ToBeVisibleAsync();
            var dialog = (await desk.KeyDialog.BoundingBoxAsync()).ShouldNotBeNull();
            (dialog.X + dialog.Width).ShouldBeLessThanOrEqualTo(Width, "the key dialog is cut off at the right");
            await desk.EnterKey(BrowserFixture.AdminKey);

            var changeKey = (await desk.Page.GetByRole(AriaRole.Button, new() { Name = "Change API key" }).BoundingBoxAsync()).ShouldNotBeNull();
            (changeKey.X + changeKey.Width).ShouldBeLessThanOrEqualTo(Width, "“Change API key” is off the screen");
            await desk.Open(Name);
            await Expect(desk.Page.Locator("#value-chart svg")).ToBeVisibleAsync();
            (await desk.Page.EvaluateAsync<int>("document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(Width, "the page scrolls sideways");

            // Each legend name in the chart and clear of the others (on one row they were drawn over each other).
            var overlaps = await desk.Page.EvaluateAsync<string[]>("""
                () => {
                  const svg = document.querySelector("#value-chart svg").getBoundingClientRect();
                  const boxes = [...document.querySelectorAll("#value-chart .legend")].map(t => ({ name: t.textContent, r: t.getBoundingClientRect() }));
                  const clash = (a, b) => a.r.left < b.r.right && b.r.left < a.r.right && a.r.top < b.r.bottom && b.r.top < a.r.bottom;
                  return boxes.flatMap((a, i) => [
                    ...(a.r.right > svg.right + 0.5 || a.r.bottom > svg.bottom + 0.5 ? [`${a.name} is cut off`] : []),
                    ...boxes.slice(i + 1).filter(b => clash(a, b)).map(b => `${a.name} overlaps ${b.name}`)]);
                }
                """);
            overlaps.ShouldBeEmpty();
        }, width: Width, height: Height);
    }
}
