using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// A node just started values the portfolio before its routes answer (some minutes at a million customers): its 503 says
/// so for programs ("Ask again after Retry-After seconds."). The portfolio page says it in words, the service's folded beneath.
/// </summary>
public class when_the_portfolio_is_valued_after_a_start(BrowserFixture app)
{
    // src/Host/Portfolio/PortfolioNotValuedYetException.cs and FaultProblems.cs, word for word.
    private const string ServiceWords = "The portfolio is being valued for the first time since this node started (since 2026-12-07T03:20:00.0000000+00:00): " +
        "every customer's ledger is read and valued once, in the background, and every portfolio route answers from that valuation once it is made. " +
        "Ask again after Retry-After seconds.";

    [Fact]
    public async Task the_page_says_the_service_is_valuing_it_and_to_try_again()
    {
        await app.WithDesk(nameof(the_page_says_the_service_is_valuing_it_and_to_try_again), async desk =>
        {
            await ParetoUnavailable(desk, "Portfolio not valued yet", ServiceWords);

            await Expect(desk.Error).ToContainTextAsync("Portfolio not valued yet (503)");
            // 03:20 UTC on 7 December 2026, in the problem words' UTC notation.
            await Expect(desk.Error.Locator("p").Filter(new() { HasText = "valuing the portfolio" })).ToHaveTextAsync(
                "The service is valuing the portfolio for the first time since it started (Dec 7, 2026, 3:20 AM UTC): every customer once, " +
                "in the background; the figures come once that is done. Try again in a minute or two.");
            await Expect(desk.Error.Locator("details.service-words")).ToContainTextAsync(ServiceWords);
        }, path: "/portfolio.html");
    }

    // src/Host/Portfolio/PortfolioValuationFailedException.cs and FaultProblems.cs, word for word.
    private const string FailedWords = "The latest valuation of the portfolio, begun at 2026-12-07T06:00:00.0000000+00:00, failed (a sum or mean of the " +
        "customers' values went beyond the largest amount a decimal holds, about 7.9e28). The last one that completed, as of " +
        "2026-12-07T05:00:00.0000000+00:00 under retention-ltv@0, is not answered as current: the figures would be taken for today's, " +
        "under what is in force now. Another valuation is started by this request. Ask again after Retry-After seconds.";

    [Fact]
    public async Task a_valuation_that_failed_is_said_in_words_and_the_one_before_is_not_shown_as_today_s()
    {
        await app.WithDesk(nameof(a_valuation_that_failed_is_said_in_words_and_the_one_before_is_not_shown_as_today_s), async desk =>
        {
            await ParetoUnavailable(desk, "Portfolio valuation failed", FailedWords);

            await Expect(desk.Error).ToContainTextAsync("Portfolio valuation failed (503)");
            await Expect(desk.Error.Locator("p").Filter(new() { HasText = "could not value" })).ToHaveTextAsync(
                "The service could not value the portfolio (the valuation begun Dec 7, 2026, 6:00 AM UTC failed: a sum or mean of the customers' " +
                "values went beyond the largest amount a decimal holds, about 7.9e28), and does not show the one before as today's figures. " +
                "It is trying again: reload the page in a minute; if this stays, tell your EventCrm administrator, whose log says why.");
            await Expect(desk.Error.Locator("details.service-words")).ToContainTextAsync(FailedWords);
        }, path: "/portfolio.html");
    }

    /// <summary>
    /// The Pareto part answered a 503 in the service's place, with a second's wait: the page asks again three times before
    /// it shows the refusal.
    /// </summary>
    private static async Task ParetoUnavailable(Desk desk, string title, string detail)
    {
        await desk.Page.RouteAsync("**/api/portfolio/pareto", route => route.FulfillAsync(new()
        {
            Status = 503, ContentType = "application/problem+json", Headers = new Dictionary<string, string> { ["Retry-After"] = "1" },
            Body = new JsonObject { ["title"] = title, ["status"] = 503, ["detail"] = detail }.ToJsonString(),
        }));
        await desk.EnterKey(BrowserFixture.AdminKey);
    }
}
