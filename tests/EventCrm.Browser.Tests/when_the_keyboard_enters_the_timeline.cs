using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The timeline's entries are one Tab stop, the arrow keys moving among their folds: a hint said so to screen readers
/// only, and a sighted keyboard user never learnt it. The hint shows while the keyboard is in the list, over the right
/// end of the count's line: nothing on the page moves when it comes and goes.
/// </summary>
public class when_the_keyboard_enters_the_timeline(BrowserFixture app)
{
    private const string Hint = "In the list, the arrow keys move from fold to fold; Tab leaves it.";

    [Fact]
    public async Task it_shows_how_to_move_among_the_entries_without_moving_them()
    {
        await app.WithDesk(nameof(it_shows_how_to_move_among_the_entries_without_moving_them), async desk =>
        {
            var page = desk.Page;
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);
            await Expect(desk.TimelineEntries.First).ToBeVisibleAsync();
            var hint = page.Locator("#timeline-keys");
            var list = page.GetByRole(AriaRole.List, new() { Name = "Timeline entries" });
            await Expect(list).ToHaveAccessibleDescriptionAsync(Hint);
            var pane = page.Locator("section.timeline");
            // Where each stands in the timeline's pane (the window may scroll as the keyboard moves).
            async Task<(float X, float Y, float Width, float Height)> In(ILocator part)
            {
                var (box, origin) = (await Box(part), await Box(pane));
                return (box.X - origin.X, box.Y - origin.Y, box.Width, box.Height);
            }
            var (listBefore, firstBefore, countBefore) = (await In(list), await In(desk.TimelineEntries.First), await In(page.Locator("#timeline-count")));
            (await Box(hint)).Width.ShouldBeLessThanOrEqualTo(1, "shown before the keyboard is in the list");

            await page.Locator("#timeline-type").FocusAsync();
            await page.Keyboard.PressAsync("Tab");
            await Expect(list).ToBeFocusedAsync();
            await Expect(hint).ToHaveTextAsync(Hint);
            await AssertShownAndNothingMoved();

            await page.Keyboard.PressAsync("Tab");   // to the first entry's fold, then the next by arrow
            await page.Keyboard.PressAsync("ArrowDown");
            await Expect(list.Locator("summary:focus")).ToHaveCountAsync(1);
            await AssertShownAndNothingMoved();

            // The last entry, its fold and its last line, scrolled into the list's sight, are clear of the hint.
            await page.Keyboard.PressAsync("End");
            await Expect(desk.TimelineEntries.Last.Locator("summary:focus")).ToHaveCountAsync(1);
            var lastEntry = await Box(desk.TimelineEntries.Last);
            (lastEntry.Y + lastEntry.Height).ShouldBeLessThanOrEqualTo((await Box(hint)).Y + 0.5f);

            await page.Keyboard.PressAsync("Tab");   // out of the list
            await Expect(list.Locator(":focus")).ToHaveCountAsync(0);
            (await Box(hint)).Width.ShouldBeLessThanOrEqualTo(1, "still shown once the keyboard left the list");

            async Task AssertShownAndNothingMoved()
            {
                var shown = await In(hint);
                // Readable (a line of small type, wider than a few words) ...
                shown.Width.ShouldBeGreaterThan(200);
                shown.Height.ShouldBeGreaterThan(10);
                // ... over the bottom right corner of the list's box, the count above left uncovered ...
                (shown.Y + shown.Height).ShouldBe(listBefore.Y + listBefore.Height, 1);
                (shown.X + shown.Width).ShouldBeLessThanOrEqualTo(listBefore.X + listBefore.Width);
                shown.X.ShouldBeGreaterThanOrEqualTo(listBefore.X);
                shown.Y.ShouldBeGreaterThanOrEqualTo(countBefore.Y + countBefore.Height);
                // ... and nothing moved: the list nor its first entry (scrolled back to it: the arrow keys may scroll the list).
                await list.EvaluateAsync("list => { list.scrollTop = 0; }");
                (await In(list)).ShouldBe(listBefore);
                (await In(desk.TimelineEntries.First)).ShouldBe(firstBefore);
            }
        });
    }

    private static async Task<LocatorBoundingBoxResult> Box(ILocator locator) => (await locator.BoundingBoxAsync()).ShouldNotBeNull();
}
