using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The offer's countdown is shown in short units ("expires in 6 days 23 h"): a screen reader read "h", "min" and "s" as
/// letters (until 2026-12-07). It is said with its units whole. The service's decision is given in its place.
/// </summary>
public class when_a_screen_reader_reads_how_long_an_offer_has_left(BrowserFixture app)
{
    [Fact]
    public async Task the_time_left_is_said_in_hours_not_in_letters()
    {
        const string client = ScenarioData.Gamma;
        await app.WithDesk(nameof(the_time_left_is_said_in_hours_not_in_letters), async desk =>
        {
            // 6 days 23 h 30 min left: the two largest whole units are 6 days and 23 hours, for the next half hour.
            var ends = DateTimeOffset.UtcNow + new TimeSpan(6, 23, 30, 0);
            await desk.Page.RouteAsync($"**/api/customers/{client}/retention", route => route.FulfillAsync(FakeAnswers.Retention(client, "offer-made", offerEnds: ends)));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);

            await Expect(desk.Retention.Locator(".time-left")).ToHaveTextAsync("expires in 6 days 23 h");
            var line = desk.Retention.Locator("p", new() { HasText = "Costs 100.00" });
            // As a screen reader reads it; asked again while the panel is drawn anew (the opening's later reads redraw it).
            var read = await line.AriaSnapshotAsync();
            for (var tries = 0; !read.Contains("Costs") && tries < 50; tries++, read = await line.AriaSnapshotAsync()) await Task.Delay(100);
            read.ShouldContain("Costs 100.00 · expires in 6 days 23 hours (");
            System.Text.RegularExpressions.Regex.IsMatch(read, @"\b(h|min|s)\b").ShouldBeFalse(read);
        });
    }
}
