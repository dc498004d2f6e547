using System.Globalization;
using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// No page said how the retention desk does: the manager had the nodes' counters, which count from each start and gave
/// a save rate of 50% for a true 0%. The portfolio page shows the outcomes of the requests decided over the key figures'
/// period (GET /api/retention/outcomes). Other scenarios record cancellations and their answers: the figures are asserted
/// from an answer made up in the service's place, and the real service only for the period it is asked.
/// </summary>
public class when_a_manager_reads_how_the_retention_desk_does(BrowserFixture app)
{
    private static ILocator Card(Desk desk, string title) => desk.Page.Locator($"#outcomes-figures [data-card='{title}']");
    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public async Task the_save_rate_money_spent_and_value_kept_are_shown_with_what_they_count()
    {
        await app.WithDesk(nameof(the_save_rate_money_spent_and_value_kept_are_shown_with_what_they_count), async desk =>
        {
            await desk.Page.RouteAsync("**/api/retention/outcomes*", route => route.FulfillAsync(FakeAnswers.Json(November())));
            await desk.EnterKey(BrowserFixture.AdminKey);

            // 3 accepted of 7 made less 1 open.
            await Expect(Card(desk, "Save rate, % of offers ended").Locator(".figure")).ToHaveTextAsync("50.0%");
            await Expect(Card(desk, "Save rate, % of offers ended")).ToContainTextAsync("3 of 6 offers ended were accepted; 1 still open is left out until it ends.");
            await Expect(Card(desk, "Money spent, amount").Locator(".figure")).ToHaveTextAsync("6,032.00");
            await Expect(Card(desk, "Money spent, amount")).ToContainTextAsync("The cost of the 3 offers accepted.");
            await Expect(Card(desk, "Value kept, amount").Locator(".figure")).ToHaveTextAsync("34,200.00");
            await Expect(Card(desk, "Offers made, count")).ToContainTextAsync("Accepted 3, declined 1, expired 1, closed by the client leaving 1, open 1.");
            await Expect(Card(desk, "Not offered, count").Locator(".figure")).ToHaveTextAsync("3");
            await Expect(Card(desk, "Not offered, count")).ToContainTextAsync("below minimum 2, negative value 1. The client stayed 1, left 1, still asking 1.");
            await Expect(Card(desk, "Churned after an offer, count").Locator(".figure")).ToHaveTextAsync("3");
            await Expect(desk.Page.Locator("#outcomes-period-shown")).ToHaveTextAsync(
                "Requests decided Nov 1, 2026 to Nov 30, 2026, both days included (UTC days), followed to Dec 7, 2026, 10:41 AM UTC.");
            // The tiers from the highest; silver: 1 of 3 ended.
            await Expect(desk.Page.Locator("#outcomes-by-tier tbody th")).ToHaveTextAsync(["platinum", "gold", "silver"]);
            await Expect(desk.Page.Locator("#outcomes-by-tier tr[data-tier='silver'] td")).ToHaveTextAsync(["3", "1", "3", "33.3%", "72.00", "1,200.00"]);
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("Portfolio loaded.");
        }, path: "/portfolio.html");
    }

    /// <summary>
    /// The table by tier had no name of its own (the signup cohorts' had one), and a tier whose offers are all still open
    /// showed its save rate as a bare "–", read "dash" or nothing (until 2026-12-07).
    /// </summary>
    [Fact]
    public async Task the_table_by_tier_is_named_and_a_tier_with_no_offer_ended_says_so()
    {
        var answer = November();
        // Bronze: 1 offer made, still open: nothing ended to rate.
        answer["outcomes"]!["byTier"]!.AsArray().Add(Tier("bronze", Offers(1, 0, 0, 0, 0, 1, null, 0, 0)));
        await app.WithDesk(nameof(the_table_by_tier_is_named_and_a_tier_with_no_offer_ended_says_so), async desk =>
        {
            await desk.Page.RouteAsync("**/api/retention/outcomes*", route => route.FulfillAsync(FakeAnswers.Json(answer)));
            await desk.EnterKey(BrowserFixture.AdminKey);

            var table = desk.Page.GetByRole(AriaRole.Table, new() { Name = "Offers by retention tier", Exact = true });
            await Expect(table).ToBeVisibleAsync();
            var bronze = table.Locator("tr[data-tier='bronze']");
            await Expect(bronze.GetByRole(AriaRole.Cell, new() { Name = "no offer ended", Exact = true })).ToHaveCountAsync(1);
            // Shown as before: a dash in the column.
            await Expect(bronze.Locator("td").Nth(3)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^–"));
        }, path: "/portfolio.html");
    }

    [Fact]
    public async Task the_outcomes_are_read_over_the_days_the_key_figures_are_read_over()
    {
        await app.WithDesk(nameof(the_outcomes_are_read_over_the_days_the_key_figures_are_read_over), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await Expect(Card(desk, "Save rate, % of offers ended")).ToBeVisibleAsync();

            var (from, to) = (Today.AddDays(-30), Today.AddDays(-1));
            await desk.Page.GetByLabel("From", new() { Exact = true }).FillAsync(from.ToString("yyyy-MM-dd"));
            await desk.Page.GetByLabel("To", new() { Exact = true }).FillAsync(to.ToString("yyyy-MM-dd"));
            var asked = desk.Page.WaitForRequestAsync("**/api/retention/outcomes*");
            await desk.Page.GetByRole(AriaRole.Button, new() { Name = "Show the figures" }).ClickAsync();

            // Both days included: the service's period ends at the start of the day after "To".
            (await asked).Url.ShouldEndWith($"/api/retention/outcomes?from={from:yyyy-MM-dd}&to={to.AddDays(1):yyyy-MM-dd}");
            var days = $"{Day(from)} to {Day(to)}, both days included (UTC days), followed to ";
            await Expect(desk.Page.Locator("#outcomes-period-shown")).ToContainTextAsync($"Requests decided {days}");
            await Expect(Card(desk, "Offers made, count")).ToBeVisibleAsync();
        }, path: "/portfolio.html");
    }

    /// <summary>
    /// The service's today is the date where the day has begun (UTC+14): at 10:41 UTC on Dec 7, "To" may be Dec 8. The page said
    /// the customers "at the end of the last day" for today's count, the end of a day not over in UTC.
    /// </summary>
    [Fact]
    public async Task a_period_whose_last_day_is_not_over_gives_its_counts_as_of_the_moment_they_were_read()
    {
        await app.WithDesk(nameof(a_period_whose_last_day_is_not_over_gives_its_counts_as_of_the_moment_they_were_read), async desk =>
        {
            // "To" Dec 8: the page sends to=2026-12-09, the start of the day after.
            await desk.Page.RouteAsync("**/api/kpis*", route => route.FulfillAsync(FakeAnswers.Json(KeyFigures(to: "2026-12-09T00:00:00+00:00"))));
            await desk.Page.RouteAsync("**/api/retention/outcomes*", route => route.FulfillAsync(FakeAnswers.Json(November(to: "2026-12-09T00:00:00+00:00"))));
            await desk.EnterKey(BrowserFixture.AdminKey);

            await Expect(desk.Page.Locator("#kpi-period-shown")).ToHaveTextAsync("Dec 1, 2026 to Dec 8, 2026, both days included (UTC days), from the records " +
                "as of Dec 7, 2026, 10:41 AM UTC. The last day is not over in UTC: the figures at the end of the period are as of Dec 7, 2026, 10:41 AM UTC.");
            var atTheEnd = desk.Page.Locator("#kpi-figures [data-card='Customers at the end, count']");
            await Expect(atTheEnd).ToContainTextAsync("Active, retained or asking to cancel as of Dec 7, 2026, 10:41 AM UTC (the last day is not over).");
            await Expect(atTheEnd).Not.ToContainTextAsync("at the end of the last day");
            await Expect(desk.Page.Locator("#kpi-figures [data-card='Average CLV, amount per customer']")).ToContainTextAsync("of the 4,428 customers as of Dec 7, 2026, 10:41 AM UTC, averaged.");
            await Expect(desk.Page.Locator("#outcomes-period-shown")).ToContainTextAsync("to Dec 8, 2026, both days included (UTC days) (the last day is not over), followed to");

            // A period ended before the records were read ("To" Dec 6) keeps its end of day.
            await desk.Page.UnrouteAsync("**/api/kpis*");
            await desk.Page.RouteAsync("**/api/kpis*", route => route.FulfillAsync(FakeAnswers.Json(KeyFigures(to: "2026-12-07T00:00:00+00:00"))));
            await desk.Page.GetByRole(AriaRole.Button, new() { Name = "Show the figures" }).ClickAsync();
            await Expect(atTheEnd).ToContainTextAsync("Active, retained or asking to cancel at the end of the last day.");
            await Expect(desk.Page.Locator("#kpi-period-shown")).ToHaveTextAsync("Dec 1, 2026 to Dec 6, 2026, both days included (UTC days), from the records as of Dec 7, 2026, 10:41 AM UTC.");
        }, path: "/portfolio.html");
    }

    private static string Day(DateOnly day) => day.ToString("MMM d, yyyy", CultureInfo.InvariantCulture);

    private static JsonObject KeyFigures(string to) => new()
    {
        ["asOf"] = "2026-12-07T10:41:00+00:00", ["formula"] = new JsonObject { ["name"] = "retention-ltv", ["version"] = 0, ["parameters"] = new JsonObject() },
        ["modelFittedAt"] = null,
        ["analysis"] = new JsonObject
        {
            ["from"] = "2026-12-01T00:00:00+00:00", ["to"] = to,
            ["conversion"] = new JsonObject { ["leadsCaptured"] = 0, ["leadsConverted"] = 0, ["rate"] = null },
            ["retention"] = new JsonObject { ["customersAtStart"] = 4400, ["customersAtEnd"] = 4428, ["customersAcquired"] = 28, ["rate"] = 1 },
            ["cohorts"] = new JsonArray(),
            ["averageClv"] = new JsonObject { ["customers"] = 4428, ["value"] = 2360.2 },
        },
    };

    /// <summary>The scenario of when_the_manager_reads_the_desks_outcomes (EventCrm.Tests): November 2026's requests.</summary>
    internal static JsonObject November(string to = "2026-12-01T00:00:00+00:00") => new()
    {
        ["asOf"] = "2026-12-07T10:41:00+00:00",
        ["outcomes"] = new JsonObject
        {
            ["from"] = "2026-11-01T00:00:00+00:00", ["to"] = to, ["requests"] = 10,
            ["offers"] = Offers(7, 3, 1, 1, 1, 1, 0.5, 6032, 34200),
            ["notOffered"] = new JsonObject
            {
                ["total"] = 3, ["byRule"] = new JsonObject { ["below-minimum"] = 2, ["negative-value"] = 1 }, ["stayed"] = 1, ["left"] = 1, ["open"] = 1,
            },
            ["retained"] = 3, ["churnedAfterOffer"] = 3,
            ["byTier"] = new JsonArray(
                Tier("platinum", Offers(1, 1, 0, 0, 0, 0, 1, 5000, 25000)),
                Tier("gold", Offers(3, 1, 0, 0, 1, 1, 0.5, 960, 8000)),
                Tier("silver", Offers(3, 1, 1, 1, 0, 0, 1d / 3, 72, 1200))),
        },
    };

    internal static JsonObject Tier(string name, JsonObject offers) => new() { ["tier"] = name, ["offers"] = offers };

    internal static JsonObject Offers(int made, int accepted, int declined, int expired, int left, int open, double? saveRate, decimal spent, decimal kept) => new()
    {
        ["made"] = made, ["accepted"] = accepted, ["declined"] = declined, ["expired"] = expired, ["left"] = left, ["open"] = open,
        ["saveRate"] = saveRate, ["moneySpent"] = spent, ["valueKept"] = kept, ["acceptedWithoutValue"] = 0,
    };
}
