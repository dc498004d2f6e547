using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The value chart (current value, potential, profit) and the Pareto chart (revenue, profit, even spread):
/// a reader who cannot tell blue from green tells the lines apart by their strokes, as in the legend (WCAG 1.4.1).
/// </summary>
public class when_a_chart_draws_several_lines(BrowserFixture app)
{
    private const string Strokes = "svg => [...svg.querySelectorAll('path')].map(p => p.getAttribute('stroke-dasharray'))";

    [Fact]
    public async Task each_line_of_the_customers_value_chart_has_its_own_stroke()
    {
        await app.WithDesk(nameof(each_line_of_the_customers_value_chart_has_its_own_stroke), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await desk.Open(ScenarioData.GammaName);
            var chart = desk.Page.Locator("#value-chart").GetByRole(AriaRole.Img);
            await Expect(chart).ToHaveAccessibleNameAsync(new System.Text.RegularExpressions.Regex("^Value after each of"));

            var strokes = await chart.EvaluateAsync<string[]>(Strokes);
            strokes.Length.ShouldBe(3);
            strokes.Distinct().Count().ShouldBe(3, string.Join(" | ", strokes));
        });
    }

    [Fact]
    public async Task each_line_of_the_pareto_chart_has_its_own_stroke()
    {
        await app.WithDesk(nameof(each_line_of_the_pareto_chart_has_its_own_stroke), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            var chart = desk.Page.Locator("#pareto-chart").GetByRole(AriaRole.Img);
            await Expect(chart).ToHaveAccessibleNameAsync(new System.Text.RegularExpressions.Regex("^The top .* of revenue and .* of profit\\.$"));

            var strokes = await chart.EvaluateAsync<string[]>(Strokes);
            strokes.Length.ShouldBe(3);
            strokes.Distinct().Count().ShouldBe(3, string.Join(" | ", strokes));
        }, path: "/portfolio.html");
    }
}
