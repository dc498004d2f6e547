using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Portfolio;

public class when_analysing_the_portfolio(SmallPortfolio portfolio) : IClassFixture<SmallPortfolio>
{
    [Fact]
    public async Task pareto_gives_the_share_of_revenue_and_profit_of_the_top_20_percent()
    {
        var pareto = (await portfolio.Host.GetJson("/api/portfolio/pareto"))["analysis"]!;

        // 5 customers (F is a prospect, never a customer): the top 20% is 1 customer.
        // Revenue: A 600 of 1,000 = 0.6.
        // Profit: B 150 of 100 + 150 + 50 - 50 + 20 = 270, i.e. 5/9 = 0.5555... -> 0.5556 (shares to 4 decimals).
        pareto["customers"]!.GetValue<int>().ShouldBe(5);
        pareto["topCustomers"]!.GetValue<int>().ShouldBe(1);
        pareto["revenueShareOfTop"]!.GetValue<decimal>().ShouldBe(0.6m);
        pareto["profitShareOfTop"]!.GetValue<decimal>().ShouldBe(0.5556m);
        pareto["revenueCurve"]!.AsArray()[^1]!["valueShare"]!.GetValue<decimal>().ShouldBe(1m);
        // Ranked by profit B 150, A 100, C 50, E 20, D -50: the top two bring 250 of 270 = 0.9259259... -> 0.9259.
        pareto["profitCurve"]![2]!["valueShare"]!.GetValue<decimal>().ShouldBe(0.9259m);
    }

    [Fact]
    public async Task segments_split_customers_by_value_and_potential_at_the_medians()
    {
        var segments = (await portfolio.Host.GetJson("/api/portfolio/segments"))["analysis"]!;

        // Under retention-ltv@0 with the default model (no refit in this schema) every active
        // customer's value is m x 0.75 / 0.33 with m its yearly net margin, and A..E share one
        // tenure: B > A > C > E > 0; D is churned, worth 0; F, a prospect, is not a customer. The
        // median of (B, A, C, E, 0) is C's, and a customer at the median counts as high: A, B and
        // C are high value. No benchmark and no category association yet: every potential is 0,
        // so all sit at the (zero) median.
        var quadrants = segments["quadrants"]!.AsArray().ToDictionary(q => q!["name"]!.GetValue<string>(), q => q!);
        quadrants["high-value-high-potential"]["customerIds"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldBe(["A", "B", "C"], ignoreOrder: true);
        quadrants["low-value-high-potential"]["customerIds"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldBe(["D", "E"], ignoreOrder: true);
        quadrants["high-value-low-potential"]["count"]!.GetValue<int>().ShouldBe(0);
        quadrants["low-value-low-potential"]["count"]!.GetValue<int>().ShouldBe(0);
    }

    [Fact]
    public async Task each_quadrant_names_its_customers_so_a_page_lists_them_without_asking_for_each()
    {
        var segments = (await portfolio.Host.GetJson("/api/portfolio/segments"))["analysis"]!;

        // The quadrants as above, the members worth most now first (as customerIds: B > A > C, then E > D at 0),
        // each with the name it signed up with.
        var quadrants = segments["quadrants"]!.AsArray().ToDictionary(q => q!["name"]!.GetValue<string>(), q => q!);
        string Members(string quadrant) => string.Join(", ", quadrants[quadrant]["customers"]!.AsArray()
            .Select(c => $"{c!["customerId"]!.GetValue<string>()} {c["name"]!.GetValue<string>()}"));
        Members("high-value-high-potential").ShouldBe("B Bob Best, A Ann Able, C Cid Cole");
        Members("low-value-high-potential").ShouldBe("E Eve Eden, D Dan Dale");
        quadrants["low-value-low-potential"]["customers"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task kpis_give_conversion_and_retention_over_the_period()
    {
        var conversion = (await portfolio.Host.GetJson("/api/kpis?from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z"))["analysis"]!["conversion"]!;
        var retention = (await portfolio.Host.GetJson("/api/kpis?from=2024-06-01T00:00:00Z&to=2025-01-01T00:00:00Z"))["analysis"]!["retention"]!;

        // Leads captured in 2024: A (converted on 5 Jan) and F (not): 1 / 2.
        conversion["leadsCaptured"]!.GetValue<int>().ShouldBe(2);
        conversion["rate"]!.GetValue<decimal>().ShouldBe(0.5m);
        // From 1 June: 5 customers at the start (A..E), D churned in September: 4 at the end,
        // none acquired: (4 - 0) / 5 = 0.8.
        retention["customersAtStart"]!.GetValue<int>().ShouldBe(5);
        retention["customersAtEnd"]!.GetValue<int>().ShouldBe(4);
        retention["rate"]!.GetValue<decimal>().ShouldBe(0.8m);
    }

    [Fact]
    public async Task data_quality_names_duplicates_errors_and_incomplete_records()
    {
        var quality = (await portfolio.Host.GetJson("/api/data-quality"))["analysis"]!;

        // E and F share eve@example.com once normalised: 2 of 6 = 0.3333... -> 0.3333. C refunds an
        // order it never placed: 1 of 6 -> 0.1667. F, a prospect, has no segment nor channel, which a prospect cannot
        // have before it signs up, but has a name and an email: 6 of 6 complete -> 1.
        quality["duplicates"]!["rate"]!.GetValue<decimal>().ShouldBe(0.3333m);
        quality["duplicates"]!["customerIds"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldBe(["E", "F"], ignoreOrder: true);
        quality["errors"]!["rate"]!.GetValue<decimal>().ShouldBe(0.1667m);
        quality["errors"]!["customers"]![0]!["customerId"]!.GetValue<string>().ShouldBe("C");
        quality["completeness"]!["rate"]!.GetValue<decimal>().ShouldBe(1m);
        quality["completeness"]!["incomplete"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task bad_kpi_dates_are_400()
    {
        await portfolio.Host.GetJson("/api/kpis?from=someday", 400);
        await portfolio.Host.GetJson("/api/kpis?from=2025-01-01T00:00:00Z&to=2024-01-01T00:00:00Z", 400);
        // A cohort per month: centuries would answer millions of points.
        (await portfolio.Host.GetJson("/api/kpis?from=1900-01-01&to=2025-01-01", 400)).ErrorKeys().ShouldBe(["from"]);
        await portfolio.Host.GetJson("/api/kpis?from=1975-01-01&to=2025-01-01");
        // Spellings a lenient parser reads as another moment: 4 January in US order, today at 10:00, the 1st of May.
        foreach (var loose in new[] { "01/04/2025", "10:00", "2025-05", "May%202025" })
            (await portfolio.Host.GetJson($"/api/kpis?from={loose}&to=2026-01-01", 400)).ErrorKeys().ShouldBe(["from"]);
        // A + left unencoded in a query string arrives as a space.
        (await portfolio.Host.GetJson("/api/kpis?from=2025-01-04T10:36:00+01:00", 400))["errors"]!["from"]![0]!.GetValue<string>().ShouldContain("%2B");
    }

    /// <summary>
    /// The period's end is a day lived: not after the start of the day after today, today being the latest
    /// day begun anywhere (UTC+14, so from 10:00 UTC it is tomorrow's UTC date; to=tomorrow takes in today),
    /// not before 1900. A to of 0001-01-01, 0030-01-01 or in December 9999 was a 500 (no year
    /// before it for the default from, no room for 50 years or for the next month's cohort), and a to
    /// next year reported today's customers as those "at the end" of a period not lived yet. The edges
    /// move with the day: a check that failed as a new day began (10:00 UTC) is made again on the new day.
    /// </summary>
    [Fact]
    public async Task a_period_ending_after_today_or_outside_the_calendar_is_a_400_naming_to()
    {
        var today = LatestDayBegun();
        try
        {
            await PeriodEdgesHoldOn(today);
        }
        catch (Exception) when (LatestDayBegun() != today)
        {
            await PeriodEdgesHoldOn(LatestDayBegun());
        }
    }

    private static DateTime LatestDayBegun() => DateTime.UtcNow.AddHours(14).Date;

    private async Task PeriodEdgesHoldOn(DateTime today)
    {
        foreach (var to in new[] { "0001-01-01", "0030-01-01", "1899-12-31T23:59:59Z", "9999-12-31", "9999-12-31T23:59:59.9999999Z",
                     today.AddDays(2).ToString("yyyy-MM-dd"), today.AddYears(1).ToString("yyyy-MM-dd") })
            (await portfolio.Host.GetJson($"/api/kpis?to={to}", 400)).ErrorKeys().ShouldBe(["to"], to);
        (await portfolio.Host.GetJson("/api/kpis?from=9999-12-01&to=9999-12-31T12:00", 400)).ErrorKeys().ShouldBe(["to"]);

        // The start of the day after today ends a period that takes in the whole of today; 1900 is the earliest end.
        var tomorrow = today.AddDays(1).ToString("yyyy-MM-dd");
        (await portfolio.Host.GetJson($"/api/kpis?to={tomorrow}"))["analysis"]!["to"]!.GetValue<DateTimeOffset>()
            .ShouldBe(new DateTimeOffset(today.AddDays(1), TimeSpan.Zero));
        (await portfolio.Host.GetJson("/api/kpis?to=1900-01-01"))["analysis"]!["from"]!.GetValue<DateTimeOffset>()
            .ShouldBe(new DateTimeOffset(1899, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }
}
