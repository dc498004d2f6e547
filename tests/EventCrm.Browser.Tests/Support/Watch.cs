using Microsoft.Playwright;

namespace EventCrm.Browser.Tests.Support;

/// <summary>
/// What a screen reader user meets between two looks of a test: where the keyboard is through a redraw, and each text a
/// live region was given (a screen reader says a live region each time its content changes, even to the same words).
/// </summary>
public static class Watch
{
    /// <summary>
    /// From now on, notes each moment the keyboard is on the page's body (or nowhere): after every change of the page (a
    /// mutation observer runs before any later script, so a node removed with the focus on it is seen before anything
    /// focuses again) and at every frame.
    /// </summary>
    public static Task KeyboardOnTheBody(IPage page) => page.EvaluateAsync("""
        () => {
          const seen = window.__keyboardOnTheBody = [];
          const check = when => {
            const at = document.activeElement;
            if (!at || at === document.body) seen.push(when);
          };
          new MutationObserver(() => check("after a change of the page")).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
          const frame = () => { check("at a frame"); requestAnimationFrame(frame); };
          requestAnimationFrame(frame);
        }
        """);

    /// <summary>The moments noted since <see cref="KeyboardOnTheBody"/> at which the keyboard was on the page's body.</summary>
    public static async Task<string[]> TimesOnTheBody(IPage page) => await page.EvaluateAsync<string[]>("() => window.__keyboardOnTheBody");

    /// <summary>
    /// From now on, notes the text of the live regions the selector finds (as they are now) each time their content
    /// changes: one note per change the browser reports together (a mutation observer's call), attributes left out.
    /// </summary>
    public static Task LiveTexts(IPage page, string selector) => page.EvaluateAsync("""
        selector => {
          const said = window.__liveTexts = [];
          for (const region of document.querySelectorAll(selector))
            new MutationObserver(() => said.push(region.textContent)).observe(region, { subtree: true, childList: true, characterData: true });
        }
        """, selector);

    /// <summary>The texts noted since <see cref="LiveTexts"/>, the emptied ones left out (nothing is said of an empty region).</summary>
    public static async Task<string[]> Said(IPage page) =>
        [.. (await page.EvaluateAsync<string[]>("() => window.__liveTexts")).Where(text => text.Trim().Length > 0)];

    /// <summary>
    /// The texts noted, once something was said and then nothing more for a second (what is said together comes within
    /// a few hundred milliseconds); within 15 s.
    /// </summary>
    public static async Task<string[]> SaidOnceSettled(IPage page)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        var said = await Said(page);
        while (said.Length == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            said = await Said(page);
        }
        for (var before = -1; said.Length != before && DateTime.UtcNow < deadline; said = await Said(page))
        {
            before = said.Length;
            await Task.Delay(1000);
        }
        return said;
    }
}
