using EventCrm.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A first-day user meets the key dialog before anything else: it said what to type, not where a key
/// comes from; closed without one, the page said "Something went wrong".
/// </summary>
public class when_someone_opens_the_pages_for_the_first_time(BrowserFixture app)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/audit.html")]
    [InlineData("/portfolio.html")]
    public async Task the_key_dialog_says_who_gives_a_key_and_which_kind(string path)
    {
        await app.WithDesk($"{nameof(the_key_dialog_says_who_gives_a_key_and_which_kind)}{path.Replace('/', '-')}", async desk =>
        {
            await Expect(desk.KeyDialog).ToBeVisibleAsync();
            await Expect(desk.KeyDialog).ToContainTextAsync("No key yet? Your EventCrm administrator makes one for you");
            await Expect(desk.KeyDialog).ToContainTextAsync("a desk key for the retention desk and the portfolio, an auditor key for the audit page");
            await Expect(desk.KeyDialog).ToContainTextAsync("the administrator's key is in .data/admin-key");
        }, path: path);
    }

    [Fact]
    public async Task closing_the_dialog_without_a_key_says_what_is_missing_and_where_to_give_it()
    {
        await app.WithDesk(nameof(closing_the_dialog_without_a_key_says_what_is_missing_and_where_to_give_it), async desk =>
        {
            await Expect(desk.KeyDialog).ToBeVisibleAsync();
            await desk.Page.Keyboard.PressAsync("Escape");

            await Expect(desk.Error).ToContainTextAsync("No API key");
            await Expect(desk.Error).ToContainTextAsync("give one with “Change API key” at the top right");
            await Expect(desk.Error).Not.ToContainTextAsync("Something went wrong");
        });
    }
}
