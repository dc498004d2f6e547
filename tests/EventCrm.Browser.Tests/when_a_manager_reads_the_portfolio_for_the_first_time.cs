using EventCrm.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A manager opens the portfolio on a first day: the page showed a curve and four boxes with no word of
/// what Pareto, current value (CLV) or potential mean, nor when the figures were made; while they were
/// read it showed nothing, and a part that failed stayed blank.
/// </summary>
public class when_a_manager_reads_the_portfolio_for_the_first_time(BrowserFixture app)
{
    [Fact]
    public async Task the_curve_and_the_quadrants_are_explained_and_the_figures_dated()
    {
        await app.WithDesk(nameof(the_curve_and_the_quadrants_are_explained_and_the_figures_dated), async desk =>
        {
            // The moment of the valuation and of the model's fit, fixed so that the page's wording of them can be known.
            await desk.Page.RouteAsync("**/api/portfolio/pareto", async route =>
            {
                var answer = System.Text.Json.Nodes.JsonNode.Parse(await (await route.FetchAsync()).TextAsync())!.AsObject();
                answer["asOf"] = "2026-03-31T08:00:00+00:00";
                answer["modelFittedAt"] = "2026-03-30T22:15:00+00:00";
                await route.FulfillAsync(FakeAnswers.Json(answer));
            });
            await desk.EnterKey(BrowserFixture.AdminKey);

            await Expect(desk.Page.Locator("#portfolio-as-of")).ToHaveTextAsync("Every customer (prospects left out) as of Mar 31, 2026, 8:00 AM UTC, " +
                "valued under retention-ltv@0 with the portfolio model fitted Mar 30, 2026, 10:15 PM UTC. Amounts are in the company's currency.");
            // Every customer of the seeded base is valued under retention-ltv@0: nothing to say.
            await Expect(desk.Page.Locator("#not-valued")).ToBeHiddenAsync();
            await Expect(desk.Page.Locator("#pareto-explained")).ToContainTextAsync("each curve gives the share of all revenue (or profit) brought by the first x% of them");
            await Expect(desk.Page.Locator("#pareto-explained")).ToContainTextAsync("A profit curve above 100% means the customers further down the ranking lose money together.");
            await Expect(desk.Page.Locator("#segments-explained")).ToContainTextAsync("Current value (customer lifetime value, CLV): what a customer is expected to bring from now on");
            await Expect(desk.Page.Locator("#segments-explained")).ToContainTextAsync("Potential: what more it could bring");
        }, path: "/portfolio.html");
    }

    /// <summary>Under bgnbd-gg before any refit every buying customer counts as 0: the page said nothing, a base worth nothing.</summary>
    [Fact]
    public async Task customers_the_valuation_could_not_value_are_counted_and_said_why()
    {
        await app.WithDesk(nameof(customers_the_valuation_could_not_value_are_counted_and_said_why), async desk =>
        {
            await desk.Page.RouteAsync("**/api/portfolio/pareto", async route =>
            {
                var answer = System.Text.Json.Nodes.JsonNode.Parse(await (await route.FetchAsync()).TextAsync())!.AsObject();
                answer["formula"]!["name"] = "bgnbd-gg";
                answer["notValued"] = System.Text.Json.Nodes.JsonNode.Parse(
                    """{"customers": 1204, "reasons": {"beyond-portfolio-limit": 1, "model-not-fitted": 1203}}""");
                await route.FulfillAsync(FakeAnswers.Json(answer));
            });
            await desk.EnterKey(BrowserFixture.AdminKey);

            await Expect(desk.Page.Locator("#not-valued")).ToHaveTextAsync("1,204 customers could not be valued under bgnbd-gg@0 and count as 0 " +
                "in every figure of this page (1: their value is 10^21 or more, beyond what the portfolio adds up; 1,203: the formula needs " +
                "the portfolio model fitted, and it never was (refit it)).");
        }, path: "/portfolio.html");
    }

    [Fact]
    public async Task while_the_figures_are_read_each_part_says_so_and_a_part_that_fails_says_it_could_not_be_read()
    {
        await app.WithDesk(nameof(while_the_figures_are_read_each_part_says_so_and_a_part_that_fails_says_it_could_not_be_read), async desk =>
        {
            var release = new TaskCompletionSource();
            await desk.Page.RouteAsync("**/api/portfolio/segments?*", async route =>
            {
                await release.Task;
                await route.ContinueAsync();
            });
            await desk.Page.RouteAsync("**/api/portfolio/pareto", route => route.FulfillAsync(new()
            {
                Status = 500, ContentType = "application/problem+json", Body = """{"title":"Pareto broke","status":500}""",
            }));
            await desk.EnterKey(BrowserFixture.AdminKey);

            await Expect(desk.Page.Locator("#quadrants")).ToHaveTextAsync("Loading…");
            await Expect(desk.Error).ToContainTextAsync("Pareto: Pareto broke (500)");
            await Expect(desk.Page.Locator("#pareto-figures")).ToHaveTextAsync("Could not be read: see the error above, then reload the page.");

            release.SetResult();
            await Expect(desk.Page.Locator("[data-quadrant]")).ToHaveCountAsync(4);
        }, path: "/portfolio.html");
    }
}
