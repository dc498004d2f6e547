using System.Globalization;
using System.Text.Json.Nodes;
using EventCrm.Browser.Tests.Support;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace EventCrm.Browser.Tests;

/// <summary>
/// The service computed conversion, retention and average CLV over a period (GET /api/kpis), but no page
/// showed them: a manager had to use curl. The portfolio page shows them for the days the manager chooses.
/// Other scenarios record cancellations and churns now: the figures asserted from the seed are the ones those
/// cannot change (who a period starts with, who it acquires, and a period ended before the run).
/// </summary>
public class when_a_manager_reads_the_key_figures(BrowserFixture app)
{
    private static ILocator Card(Desk desk, string title) => desk.Page.Locator($"#kpi-figures [data-card='{title}']");
    private static string Day(DateOnly day) => day.ToString("MMM d, yyyy", CultureInfo.InvariantCulture);
    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);
    private static ILocator From(Desk desk) => desk.Page.GetByLabel("From", new() { Exact = true });
    private static ILocator To(Desk desk) => desk.Page.GetByLabel("To", new() { Exact = true });

    [Fact]
    public async Task the_page_opens_on_the_last_12_months_with_the_customers_they_began_with_and_acquired()
    {
        await app.WithDesk(nameof(the_page_opens_on_the_last_12_months_with_the_customers_they_began_with_and_acquired), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);

            var (from, to) = (Today.AddYears(-1).AddDays(1), Today);
            await Expect(From(desk)).ToHaveValueAsync(from.ToString("yyyy-MM-dd"));
            await Expect(To(desk)).ToHaveValueAsync(to.ToString("yyyy-MM-dd"));
            await Expect(desk.Page.Locator("#kpi-period-shown")).ToContainTextAsync($"{Day(from)} to {Day(to)}, both days included (UTC days)");
            // Signed up 300 to 660 days ago: the ordinary customers 1 to 4 (315-360 days), Epsilon and Iota (300) joined within
            // the year; the other 27 (Alpha 730, Beta 400, Gamma 500, Delta 600, Zeta, Eta, Theta 540, ordinary 5-24 375-660) before it.
            await Expect(Card(desk, "Customers at the start, count").Locator(".figure")).ToHaveTextAsync("27");
            await Expect(Card(desk, "Customers acquired, count").Locator(".figure")).ToHaveTextAsync("6");
            // Gamma's lead, the only one, was captured 520 days ago.
            await Expect(Card(desk, "Conversion rate, % of leads")).ToContainTextAsync("No leads");
            await Expect(Card(desk, "Conversion rate, % of leads")).ToContainTextAsync("No lead was captured in the period: there is nothing to convert.");
            // The six acquired all signed up: the cohorts hold them all, each month of the period a row.
            (await SignupsInCohorts(desk)).ShouldBe(6);
            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync("Portfolio loaded.");
        }, path: "/portfolio.html");
    }

    /// <summary>
    /// The last 12 months begin a year before tomorrow. On 29 February 2028 tomorrow is 1 March 2028,
    /// and a year before it 1 March 2027: 366 days, the leap day included. The page took the year off
    /// first (29 February 2027, which rolls over to 1 March) and then added the day: 2 March, and the
    /// scenario above, read with the wall clock, failed on that day.
    /// </summary>
    [Fact]
    public async Task on_a_leap_day_the_last_12_months_begin_on_the_first_of_march_a_year_before()
    {
        await app.WithDesk(nameof(on_a_leap_day_the_last_12_months_begin_on_the_first_of_march_a_year_before), async desk =>
        {
            // The service would refuse a period ending after its own today: the figures are answered here.
            await desk.Page.RouteAsync("**/api/kpis*", route => route.FulfillAsync(FakeAnswers.Json(YoungBase())));
            await desk.Page.Clock.InstallAsync(new() { TimeDate = new DateTime(2028, 2, 29, 12, 0, 0, DateTimeKind.Utc) });
            await desk.Page.ReloadAsync();
            await desk.EnterKey(BrowserFixture.AdminKey);

            await Expect(From(desk)).ToHaveValueAsync("2027-03-01");
            await Expect(To(desk)).ToHaveValueAsync("2028-02-29");
        }, path: "/portfolio.html");
    }

    [Fact]
    public async Task a_period_chosen_and_sent_with_enter_shows_its_conversion_and_retention_worked_out()
    {
        await app.WithDesk(nameof(a_period_chosen_and_sent_with_enter_shows_its_conversion_and_retention_worked_out), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await Expect(Card(desk, "Customers at the start, count")).ToBeVisibleAsync();

            // From 530 days ago to 100 days ago, before anything another scenario records.
            var (from, to) = (Today.AddDays(-530), Today.AddDays(-100));
            await From(desk).FillAsync(from.ToString("yyyy-MM-dd"));
            await To(desk).FillAsync(to.ToString("yyyy-MM-dd"));
            await To(desk).PressAsync("Enter");

            await Expect(desk.Page.Locator("#status")).ToHaveTextAsync($"Key figures shown for {Day(from)} to {Day(to)}.");
            // Gamma's lead (520 days ago) signed up 500 days ago: 1 of 1.
            await Expect(Card(desk, "Conversion rate, % of leads").Locator(".figure")).ToHaveTextAsync("100.0%");
            await Expect(Card(desk, "Conversion rate, % of leads")).ToContainTextAsync("1 of 1 lead captured in the period signed up by its end.");
            // At the start, signed up over 530 days ago: Alpha, Delta, Zeta, Eta, Theta and ordinary 16-24 (540-660 days): 14.
            // Everyone else (19) signed up within it, and nobody had left 100 days ago: (33 - 19) / 14 = 100%.
            await Expect(Card(desk, "Customers at the start, count").Locator(".figure")).ToHaveTextAsync("14");
            await Expect(Card(desk, "Customers acquired, count").Locator(".figure")).ToHaveTextAsync("19");
            await Expect(Card(desk, "Customers at the end, count").Locator(".figure")).ToHaveTextAsync("33");
            await Expect(Card(desk, "Retention rate, % of the customers at the start").Locator(".figure")).ToHaveTextAsync("100.0%");
            await Expect(Card(desk, "Retention rate, % of the customers at the start")).ToContainTextAsync("(33 at the end − 19 acquired) ÷ 14 at the start");
            await Expect(Card(desk, "Average CLV, amount per customer")).ToContainTextAsync("of the 33 customers at the end of the period, averaged.");
            (await SignupsInCohorts(desk)).ShouldBe(19);
            // A row per calendar month the period touches.
            var months = (to.Year * 12 + to.Month) - (from.Year * 12 + from.Month) + 1;
            await Expect(desk.Page.Locator("#kpi-cohorts tbody tr")).ToHaveCountAsync(months);
        }, path: "/portfolio.html");
    }

    /// <summary>
    /// "To" the day before "From": the page sends the day after "To", which is "From" itself, and the service took the empty
    /// period for one (the key figures at 100 %, the desk's outcomes at nought) until 2026-12-07.
    /// </summary>
    [Fact]
    public async Task a_to_the_day_before_from_is_refused_as_any_inverted_period()
    {
        await app.WithDesk(nameof(a_to_the_day_before_from_is_refused_as_any_inverted_period), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await Expect(Card(desk, "Customers at the start, count")).ToBeVisibleAsync();
            var (fromField, toField) = (From(desk), To(desk));

            await fromField.FillAsync(Today.AddDays(-10).ToString("yyyy-MM-dd"));
            await toField.FillAsync(Today.AddDays(-11).ToString("yyyy-MM-dd"));
            await toField.PressAsync("Enter");

            await Expect(desk.Page.Locator("#kpi-figures")).ToHaveTextAsync(
                "No figures for these dates: The period starts after it ends: choose a “From” date on or before the “To” date.");
            await Expect(fromField).ToHaveAttributeAsync("aria-invalid", "true");
        }, path: "/portfolio.html");
    }

    [Fact]
    public async Task a_period_the_service_refuses_is_said_in_words_and_its_date_marked()
    {
        await app.WithDesk(nameof(a_period_the_service_refuses_is_said_in_words_and_its_date_marked), async desk =>
        {
            await desk.EnterKey(BrowserFixture.AdminKey);
            await Expect(Card(desk, "Customers at the start, count")).ToBeVisibleAsync();
            var (fromField, toField) = (From(desk), To(desk));

            await fromField.FillAsync(Today.AddDays(-10).ToString("yyyy-MM-dd"));
            await toField.FillAsync(Today.AddDays(-20).ToString("yyyy-MM-dd"));
            await toField.PressAsync("Enter");

            await Expect(desk.Error).ToContainTextAsync("Key figures: The request is invalid (400)");
            const string inverted = "The period starts after it ends: choose a “From” date on or before the “To” date.";
            await Expect(desk.Error).ToContainTextAsync(inverted);
            await Expect(toField).ToBeFocusedAsync();   // where the keyboard is, Enter pressed in "To"
            await Expect(desk.Page.Locator("#kpi-figures")).ToHaveTextAsync($"No figures for these dates: {inverted}");
            // The service's own words, its field errors with them, folded beneath the page's: there to quote, not to read twice.
            var serviceWords = desk.Error.Locator("details.service-words");
            await Expect(serviceWords).ToContainTextAsync("from must not be after to");
            var fieldError = desk.Error.Locator("li", new() { HasText = "must not be after to" });
            await Expect(fieldError).ToBeHiddenAsync();
            await serviceWords.Locator("summary").ClickAsync();
            await Expect(fieldError).ToBeVisibleAsync();
            // The pair is at fault: "From" carries it, and so does "To", the field just edited, where the keyboard still is (it was
            // left "not invalid" and tied to nothing, the service naming "from" alone, until 2026-12-07).
            var saysWhy = new System.Text.RegularExpressions.Regex("^No figures for these dates: The period starts after it ends");
            await Expect(fromField).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(fromField).ToHaveAccessibleDescriptionAsync(saysWhy);
            await Expect(toField).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(toField).ToHaveAccessibleDescriptionAsync(saysWhy);

            // Three days ahead is after today wherever the day has begun (up to UTC+14): the latest day allowed is today there.
            await fromField.FillAsync(Today.AddDays(-10).ToString("yyyy-MM-dd"));
            await toField.FillAsync(Today.AddDays(3).ToString("yyyy-MM-dd"));
            await toField.PressAsync("Enter");
            var latest = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(14));
            await Expect(desk.Page.Locator("#kpi-figures")).ToHaveTextAsync(
                $"No figures for these dates: The “To” date is after today: nothing is known of days to come. Choose {Day(latest)} or earlier (today, where the day has begun).");
            await Expect(toField).ToHaveAttributeAsync("aria-invalid", "true");
            // One entry for the part, the newer refusal in place of the older one.
            await Expect(desk.Error.Locator(".error-entry")).ToHaveCountAsync(1);
        }, path: "/portfolio.html");
    }

    [Fact]
    public async Task figures_are_written_in_the_readers_notation_and_a_rate_below_zero_is_explained()
    {
        await app.WithDesk(nameof(figures_are_written_in_the_readers_notation_and_a_rate_below_zero_is_explained), async desk =>
        {
            // docs/value.md's young base over its whole history: 1 customer at the start, 349 acquired, 286 at the end.
            await desk.Page.RouteAsync("**/api/kpis*", route => route.FulfillAsync(FakeAnswers.Json(YoungBase())));
            await desk.EnterKey(BrowserFixture.AdminKey);

            await Expect(Card(desk, "Retention rate, % of the customers at the start").Locator(".figure")).ToHaveTextAsync("-6,300.0%");
            await Expect(Card(desk, "Retention rate, % of the customers at the start")).ToContainTextAsync(
                "(286 at the end − 349 acquired) ÷ 1 at the start: below 0% because more customers were acquired than are left at the end");
            await Expect(Card(desk, "Conversion rate, % of leads").Locator(".figure")).ToHaveTextAsync("33.3%");
            await Expect(Card(desk, "Conversion rate, % of leads")).ToContainTextAsync("1,772 of 5,315 leads captured in the period signed up by its end.");
            await Expect(Card(desk, "Average CLV, amount per customer").Locator(".figure")).ToHaveTextAsync("2,360.20");
            await Expect(Card(desk, "Average CLV, amount per customer")).ToContainTextAsync("Today's current value (retention-ltv@0) of the 286 customers at the end");
            await Expect(Card(desk, "Customers acquired, count").Locator(".figure")).ToHaveTextAsync("349");
            var march = desk.Page.Locator("#kpi-cohorts tr[data-month='2025-03']");
            await Expect(march.Locator("th")).ToHaveTextAsync("Mar 2025");
            await Expect(march.Locator("td")).ToHaveTextAsync(["3", "100.0%", "33.3%"]);
            await Expect(march.Locator("td").Nth(2)).ToHaveAttributeAsync("title", "1 of 3 signups");
            await Expect(desk.Page.GetByRole(AriaRole.Region, new() { Name = "Signup cohorts" })).ToHaveAttributeAsync("tabindex", "0");
        }, path: "/portfolio.html");
    }

    [Fact]
    public async Task a_rate_short_of_all_or_above_nothing_is_never_shown_as_100_or_0_percent()
    {
        await app.WithDesk(nameof(a_rate_short_of_all_or_above_nothing_is_never_shown_as_100_or_0_percent), async desk =>
        {
            var base_ = YoungBase();
            // 4,432 kept of 4,433: 0.99977 is 99.98%, not "100.0%"; 1 lead of 20,000 converted: 0.005%, "0.0%" to one
            // decimal, is "0.01%" to two.
            base_["analysis"]!["retention"] = new JsonObject { ["customersAtStart"] = 4433, ["customersAtEnd"] = 4432, ["customersAcquired"] = 0, ["rate"] = 4432d / 4433 };
            base_["analysis"]!["conversion"] = new JsonObject { ["leadsCaptured"] = 20000, ["leadsConverted"] = 1, ["rate"] = 0.00005 };
            await desk.Page.RouteAsync("**/api/kpis*", route => route.FulfillAsync(FakeAnswers.Json(base_)));
            await desk.EnterKey(BrowserFixture.AdminKey);

            await Expect(Card(desk, "Retention rate, % of the customers at the start").Locator(".figure")).ToHaveTextAsync("99.98%");
            await Expect(Card(desk, "Conversion rate, % of leads").Locator(".figure")).ToHaveTextAsync("0.01%");
        }, path: "/portfolio.html");
    }

    private static JsonObject YoungBase() => new()
    {
        ["asOf"] = "2025-05-20T08:00:00+00:00", ["formula"] = new JsonObject { ["name"] = "retention-ltv", ["version"] = 0, ["parameters"] = new JsonObject() },
        ["modelFittedAt"] = null,
        ["analysis"] = new JsonObject
        {
            ["from"] = "2025-03-01T00:00:00+00:00", ["to"] = "2025-05-01T00:00:00+00:00",
            ["conversion"] = new JsonObject { ["leadsCaptured"] = 5315, ["leadsConverted"] = 1772, ["rate"] = 0.3334 },
            ["retention"] = new JsonObject { ["customersAtStart"] = 1, ["customersAtEnd"] = 286, ["customersAcquired"] = 349, ["rate"] = -63 },
            ["cohorts"] = new JsonArray(
                Cohort("2025-03-01", 3, (0, 3, 1m), (1, 1, 0.3333m)),
                Cohort("2025-04-01", 0, (0, 0, null))),
            ["averageClv"] = new JsonObject { ["customers"] = 286, ["value"] = 2360.2 },
        },
    };

    private static JsonObject Cohort(string month, int size, params (int MonthsAfter, int Still, decimal? Share)[] points) => new()
    {
        ["monthStart"] = $"{month}T00:00:00+00:00", ["size"] = size,
        ["retention"] = new JsonArray([.. points.Select(p => (JsonNode)new JsonObject
        {
            ["monthsAfter"] = p.MonthsAfter, ["at"] = $"{DateOnly.Parse(month, CultureInfo.InvariantCulture).AddMonths(p.MonthsAfter):yyyy-MM-dd}T00:00:00+00:00",
            ["stillCustomers"] = p.Still, ["share"] = p.Share,
        })]),
    };

    private static async Task<int> SignupsInCohorts(Desk desk)
    {
        var rows = desk.Page.Locator("#kpi-cohorts tbody tr");
        await Expect(rows.First).ToBeVisibleAsync();
        return (await rows.Locator("td:nth-of-type(1)").AllInnerTextsAsync()).Sum(int.Parse);
    }
}
