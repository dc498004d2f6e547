using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests.Support;

/// <summary>The customer desk page as a user drives it: by labels, roles and the keyboard.</summary>
public sealed class Desk(IPage page, Uri baseAddress)
{
    public IPage Page { get; } = page;
    public Uri BaseAddress { get; } = baseAddress;

    public ILocator KeyDialog => Page.GetByRole(AriaRole.Dialog, new() { Name = "API key" });
    public ILocator Error => Page.Locator("#error");
    public ILocator Results => Page.GetByRole(AriaRole.List, new() { Name = "Customers found" });
    public ILocator CustomerTitle => Page.Locator("#customer-title");
    public ILocator State => Page.Locator("#customer-state");
    public ILocator Retention => Page.Locator("#retention-body");
    public ILocator TimelineEntries => Page.Locator("#timeline > li.entry");
    public ILocator ValueCards => Page.Locator("#value-cards");
    public ILocator Card(string title) => Page.Locator($"[data-card='{title}']");
    /// <summary>An outcome button of the retention panel ("Accept offer", "Decline offer", "Let the client go").</summary>
    public ILocator Outcome(string name) => Page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });
    /// <summary>The question an outcome button asks, in its place, before anything is recorded.</summary>
    public ILocator Question => Page.GetByRole(AriaRole.Group, new() { Name = "Confirm the outcome" });
    public ILocator Confirm => Question.GetByRole(AriaRole.Button, new() { NameRegex = new("^Yes, ") });
    public ILocator KeepDeciding => Question.GetByRole(AriaRole.Button, new() { Name = "Keep deciding" });
    public ILocator RetentionHeading => Page.GetByRole(AriaRole.Heading, new() { Name = "Retention" });

    /// <summary>Presses an outcome button, then confirms the question it asks.</summary>
    public async Task Record(string outcome)
    {
        await Outcome(outcome).ClickAsync();
        await Confirm.ClickAsync();
    }

    public async Task EnterKey(string key)
    {
        await Expect(KeyDialog).ToBeVisibleAsync();
        await KeyDialog.GetByLabel("API key").FillAsync(key);
        await KeyDialog.GetByLabel("API key").PressAsync("Enter");
        await Expect(KeyDialog).ToBeHiddenAsync();
    }

    /// <summary>
    /// The audit page once it shows what the key let it read: the formulas (the versions to replay under, a new version's
    /// parameters) and the replays made. Both come back after the key is given and lengthen the side column, moving the
    /// log's and the anchors' buttons down under the pointer: a click sent meanwhile could be pressed on the button and
    /// released on the field that had moved there, and the button was never clicked (the anchor check's 400 never came).
    /// </summary>
    public async Task AuditPageRead()
    {
        await Expect(Page.GetByLabel("Replay under").Locator("option").First).ToBeAttachedAsync();
        await Expect(Page.Locator("#replay-count")).Not.ToBeEmptyAsync();
    }

    public async Task Search(string text)
    {
        var box = Page.GetByLabel("Name or email");
        await box.FillAsync(text);
        await box.PressAsync("Enter");
    }

    /// <summary>Searches, moves into the results with the arrow key and opens the first one with Enter.</summary>
    public async Task Open(string name)
    {
        await Search(name);
        await Expect(Results.GetByRole(AriaRole.Button).First).ToContainTextAsync(name);
        await Page.GetByLabel("Name or email").PressAsync("ArrowDown");
        await Page.Keyboard.PressAsync("Enter");
        await Expect(CustomerTitle).ToHaveTextAsync(name);
        await Expect(TimelineEntries.First).ToBeVisibleAsync();
    }

    public async Task<string[]> TimelineTypes() =>
        [.. await TimelineEntries.EvaluateAllAsync<string[]>("entries => entries.map(e => e.dataset.type)")];

    /// <summary>How many touchpoints the page has sent from now on.</summary>
    public Func<int> TouchpointPosts()
    {
        var count = 0;
        Page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.EndsWith("/api/touchpoints")) Interlocked.Increment(ref count);
        };
        return () => Volatile.Read(ref count);
    }
}
