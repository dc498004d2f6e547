using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A desk agent taps with a finger on a phone (375x740). The folds ("References", "Inputs of the decision", the profit's
/// costs, "The service's own words"), an error's "Dismiss", the header's links and "Change API key" were 15-22 px tall,
/// under the 24 px a target needs (WCAG 2.5.8, Target Size (Minimum)) (until 2026-12-07). Each is 24x24 px at least, the
/// lines around them where they were.
/// </summary>
public class when_a_finger_taps_the_small_controls(BrowserFixture app)
{
    // A client nobody else's scenario records anything for; its decision answered in the service's place.
    private const string Client = "ordinary-14", Name = "Ordinary Customer 14";

    [Fact]
    public async Task every_fold_dismiss_and_header_control_is_a_24_px_target()
    {
        await app.WithDesk(nameof(every_fold_dismiss_and_header_control_is_a_24_px_target), async desk =>
        {
            // A node of its own at each answer: one JsonObject given to two answers is refused ("the node already has a parent"),
            // and the second reading of the retention, which a refused outcome asks for, was never answered.
            JsonObject Inputs() => new() { ["currentValue"] = 1000m, ["expectedRemainingMargin"] = 500m, ["offerCapShare"] = 0.2m, ["tierShare"] = 0.5m };
            await desk.Page.RouteAsync($"**/api/customers/{Client}/retention", route => route.FulfillAsync(FakeAnswers.Retention(Client, "offer-made", 50m, Inputs())));
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(Name);
            await Expect(desk.Retention.Locator("details > summary")).ToBeVisibleAsync();
            await Expect(desk.TimelineEntries.First.Locator("details.references > summary")).ToBeVisibleAsync();
            // An error with the service's words folded under it, and its Dismiss: an offer answered at another desk meanwhile.
            await desk.Page.RouteAsync("**/api/touchpoints", route => route.FulfillAsync(FakeAnswers.OfferNoLongerOpen(Client)));
            await desk.Record("Accept offer");
            await Expect(desk.Error.Locator("details.service-words > summary")).ToBeVisibleAsync();
            await Expect(desk.Retention.Locator("details > summary")).ToBeVisibleAsync();

            var small = await desk.Page.EvaluateAsync<string[]>("""
                () => [...document.querySelectorAll("summary, #error button, header.top a, #change-key")]
                  .filter(e => e.getClientRects().length > 0)
                  .map(e => [e, e.getBoundingClientRect()])
                  .filter(([, r]) => r.height < 24 || r.width < 24)
                  .map(([e, r]) => `${e.tagName.toLowerCase()} “${e.textContent.trim().slice(0, 30)}” ${Math.round(r.width * 10) / 10}x${Math.round(r.height * 10) / 10} px`)
                """);
            small.ShouldBeEmpty();
            // Checked on the targets found, not on none: the folds of the timeline, of the decision and of the error, the
            // error's Dismiss, the three links of the header and its "Change API key".
            (await desk.Page.Locator("#timeline details.references > summary").CountAsync()).ShouldBeGreaterThan(0);
            (await desk.Page.Locator("header.top a").CountAsync()).ShouldBe(3);
        }, width: 375, height: 740);
    }
}
