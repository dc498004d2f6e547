using EventCrm.Browser.Tests.Support;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// On a phone, 390 CSS pixels wide, the charts' axes had three labels each, too wide for it: the value chart's dates
/// ran together ("Nov 9, 2024Nov 23, 2025Dec 7, 2026"), the Pareto chart's "0% of customers" ... were printed over
/// each other. The labels that do not fit are left out; those shown stand apart and whole.
/// </summary>
public class when_the_charts_are_read_on_a_phone(BrowserFixture app)
{
    private const int Width = 390, Height = 844;

    [Fact]
    public async Task the_value_charts_dates_stand_apart()
    {
        await app.WithDesk(nameof(the_value_charts_dates_stand_apart), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            // Read only, by nobody else's scenario: a history of two years, long enough to draw the chart.
            await desk.Open("Ordinary Customer 17");
            await Expect(desk.Page.Locator("#value-chart svg")).ToBeVisibleAsync();

            (await desk.Page.EvaluateAsync<string[]>(ChartText.Faults("#value-chart"))).ShouldBeEmpty();
        }, width: Width, height: Height);
    }

    [Fact]
    public async Task the_pareto_charts_shares_stand_apart()
    {
        await app.WithDesk(nameof(the_pareto_charts_shares_stand_apart), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await Expect(desk.Page.Locator("#pareto-chart svg")).ToBeVisibleAsync();

            (await desk.Page.EvaluateAsync<string[]>(ChartText.Faults("#pareto-chart"))).ShouldBeEmpty();
            // The first share is kept whatever the width: the axis says where it starts.
            (await desk.Page.EvaluateAsync<string[]>(ChartText.Labels("#pareto-chart"))).ShouldContain("0% of customers");
        }, path: "/portfolio.html", width: Width, height: Height);
    }
}
