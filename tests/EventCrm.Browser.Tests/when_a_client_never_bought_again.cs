using EventCrm.Browser.Tests.Support;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// BG/NBD holds a client who never bought again after the first purchase day alive with probability 1 (docs/value.md,
/// section 13): no pace was seen that could stop. Until 2026-12-06 the desk read "Still active 100.0%" beside a client
/// who costs more than it brings (Iota, one small order then warranty calls), which reads as a contradiction. The
/// value answer says how many repeat purchases the figure rests on, and the card says activity is not judged: no repeat purchase yet.
/// A client who bought again keeps its percentage (`when_browsing_a_customer`, Gamma's worked out there).
/// </summary>
public class when_a_client_never_bought_again(BrowserFixture app)
{
    [Fact]
    public async Task still_active_says_activity_cannot_be_judged_instead_of_100_percent()
    {
        await app.WithDesk(nameof(still_active_says_activity_cannot_be_judged_instead_of_100_percent), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.IotaName);

            // 7 of margin against 120 of acquisition and 200 of calls: below 0.
            await Expect(desk.Card("Current value")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[-−]"));
            await Expect(desk.Card("Still active")).ToHaveTextAsync("Not judged");
            var note = desk.Page.Locator(".card", new() { Has = desk.Card("Still active") }).Locator(".card-note");
            await Expect(note).ToContainTextAsync("no repeat purchase yet; the base's habits: ");
            await Expect(note).ToContainTextAsync(" in 52 weeks, ");
            (await desk.ValueCards.InnerTextAsync()).ShouldNotContain("100.0%");
        });
    }
}
