using System.Globalization;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>Every figure in the reader's notation and zone: money with its cents, shares as percentages, counts as counts, days local.</summary>
public class when_reading_the_figures(BrowserFixture app)
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");

    [Fact]
    public async Task the_value_chart_dates_its_axis_in_the_readers_zone()
    {
        // Gamma's history runs from its lead (520 days before the seed) to its last purchase (20 days before), both at
        // the seed's time of day. A zone where that time falls on another day than in UTC: 14 hours ahead from 10:00 UTC
        // (the next day), 11 hours behind before then (the day before).
        var zone = app.SeededAt.UtcDateTime.Hour >= 10 ? "Pacific/Kiritimati" : "Pacific/Pago_Pago";
        var local = TimeZoneInfo.FindSystemTimeZoneById(zone);
        string Day(int daysBefore) => TimeZoneInfo.ConvertTime(app.SeededAt.AddDays(-daysBefore), local).ToString("MMM d, yyyy", English);
        Day(20).ShouldNotBe(app.SeededAt.AddDays(-20).UtcDateTime.ToString("MMM d, yyyy", English));

        await app.WithDesk(nameof(the_value_chart_dates_its_axis_in_the_readers_zone), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);

            var chart = desk.Page.GetByRole(AriaRole.Img, new() { NameRegex = new("Value after each of 19 touchpoints") });
            await Expect(chart).ToHaveAccessibleNameAsync(new System.Text.RegularExpressions.Regex($"from {Day(520)} to {Day(20)}:"));
            await Expect(chart.Locator("text.tick").Filter(new() { HasTextString = Day(20) })).ToHaveCountAsync(1);
            await Expect(chart.Locator("text.tick").Filter(new() { HasTextString = Day(520) })).ToHaveCountAsync(1);
        }, timezone: zone);
    }

    [Fact]
    public async Task the_offer_on_the_timeline_shows_its_inputs_as_the_retention_panel_does()
    {
        await app.WithDesk(nameof(the_offer_on_the_timeline_shows_its_inputs_as_the_retention_panel_does), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.ZetaName);
            // Zeta asks to leave at the seed: its offer is an entry once the service has decided (the panel then reads the timeline again).
            var offer = desk.Page.Locator("#timeline > li[data-type='retention-offer-made']");
            await Expect(offer).ToHaveCountAsync(1, new() { Timeout = 30_000 });

            await offer.Locator("details:not(.references) > summary").ClickAsync();
            await Expect(offer.Locator("details:not(.references) dd").First).ToBeVisibleAsync();
            var inputs = await offer.Locator("details:not(.references) dd").AllTextContentsAsync();
            // The default policy: a cap of 20% of the margin, platinum (from 20,000) gets all of it, no offer below 1,000.
            inputs.ShouldContain("20.0%");
            inputs.ShouldContain("100.0%");
            inputs.ShouldContain("20,000.00");
            inputs.ShouldContain("1,000.00");
            // No share nor rate as a bare 0.2; the only figure under 1 is money: nothing spent on Zeta within the cap window, 0.00.
            inputs.ShouldAllBe(text => !text.StartsWith("0.") || text == "0.00");
            await Expect(offer.Locator("dt", new() { HasTextString = "Spent within cap window" }).Locator("xpath=following-sibling::dd[1]")).ToHaveTextAsync("0.00");
            await Expect(offer.Locator("dt", new() { HasTextString = "Cap window days" }).Locator("xpath=following-sibling::dd[1]")).ToHaveTextAsync("365");
            // Each named in words, not by its key in the event (offerCapShare).
            await Expect(offer.Locator("dt", new() { HasTextString = "Offer cap share" }).Locator("xpath=following-sibling::dd[1]")).ToHaveTextAsync("20.0%");
            await Expect(offer.Locator("dt", new() { HasTextString = "Retention tier share" }).Locator("xpath=following-sibling::dd[1]")).ToHaveTextAsync("100.0%");
        });
    }

    [Fact]
    public async Task the_inputs_of_a_decision_are_named_in_words()
    {
        await app.WithDesk(nameof(the_inputs_of_a_decision_are_named_in_words), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.BetaName);
            await Expect(desk.Retention).ToContainTextAsync("Recommended action: no offer", new() { Timeout = 30_000 });

            await desk.Retention.GetByText("Inputs of the decision").ClickAsync();
            // Beta costs more than it brings: the rule weighed its value, margin and profit against the policy's minimum and cap.
            var names = await desk.Retention.Locator("dt").AllTextContentsAsync();
            names.ShouldBe(["Current value when assessed", "Expected remaining margin", "Historical profit", "Minimum current value", "Offer cap share"], ignoreOrder: true);
            await Expect(desk.Retention.Locator("dt", new() { HasTextString = "Minimum current value" }).Locator("xpath=following-sibling::dd[1]")).ToHaveTextAsync("1,000.00");
        });
    }

    [Fact]
    public async Task a_calls_duration_is_a_count_and_its_cost_money()
    {
        await app.WithDesk(nameof(a_calls_duration_is_a_count_and_its_cost_money), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);
            await desk.Page.GetByLabel("Type").SelectOptionAsync("support-call");

            // Gamma's one call: 15 minutes, costing 25.
            await Expect(desk.TimelineEntries.First).ToContainTextAsync("duration minutes 15 · cost 25.00");
        });
    }
}
