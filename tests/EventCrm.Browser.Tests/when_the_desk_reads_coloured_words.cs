using EventCrm.Browser.Tests.Support;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The recommended action is the words the desk acts on: in green for an offer, red for none. Words in colour are
/// still text to read, 4.5:1 from what is behind them (WCAG 1.4.3), on the panel as on the timeline.
/// </summary>
public class when_the_desk_reads_coloured_words(BrowserFixture app)
{
    private const string Colour = "e => getComputedStyle(e).color";
    private const string Behind = "e => getComputedStyle(e).backgroundColor";

    [Fact]
    public async Task the_recommended_offer_and_the_timelines_green_entries_read_at_4_5_to_1()
    {
        await app.WithDesk(nameof(the_recommended_offer_and_the_timelines_green_entries_read_at_4_5_to_1), async desk =>
        {
            // The offer is the page's alone (answered in the service's place), and so is the entry that names it.
            await desk.Page.RouteAsync($"**/api/customers/{ScenarioData.Gamma}/retention", route => route.FulfillAsync(FakeAnswers.Retention(ScenarioData.Gamma, "offer-made")));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);
            var offer = desk.Retention.Locator(".decision-offer strong");
            await Expect(offer).ToHaveTextAsync("retention offer of 100.00");

            var panel = await desk.Page.Locator("#retention").EvaluateAsync<string>(Behind);
            var words = await offer.EvaluateAsync<string>(Colour);
            ContrastRatio.Between(words, panel).ShouldBeGreaterThanOrEqualTo(4.5, $"the recommended offer {words} on {panel}");

            // The timeline colours its good news alike ("Retention offer made", "... accepted", "Cancellation withdrawn").
            var good = await desk.Page.EvaluateAsync<string>(
                "() => { const probe = document.createElement('span'); probe.className = 'type'; const li = document.createElement('li'); " +
                "li.className = 'entry type-retention-offer-made'; li.append(probe); document.getElementById('timeline').append(li); " +
                "const colour = getComputedStyle(probe).color; li.remove(); return colour; }");
            var timeline = await desk.Page.Locator(".timeline").EvaluateAsync<string>(Behind);
            ContrastRatio.Between(good, timeline).ShouldBeGreaterThanOrEqualTo(4.5, $"a green timeline entry {good} on {timeline}");
        });
    }
}
