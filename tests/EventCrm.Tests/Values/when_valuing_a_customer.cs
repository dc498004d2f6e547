using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Values;

public class when_valuing_a_customer(AppFixture app)
{
    // The customer of these scenarios, signed up on 1 January 2024 at midnight UTC.
    private static readonly DateTimeOffset Signup = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private async Task<string> CustomerWithAYearOfHistory()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[]
        {
            Of("signed-up", customer, Signup, new { name = "Alpha Corp", email = "buyer@alpha.example", segment = "smb", channel = "web", acquisitionCost = 120m }),
            Of("purchase", customer, Signup.AddMonths(2), new { orderId = "o-1", amount = 100m, margin = 30m, category = "rollers" }),
            Of("support-call", customer, Signup.AddMonths(3), new { durationMinutes = 10, cost = 15m, reason = "delivery", resolved = true }),
            Of("purchase", customer, Signup.AddMonths(6), new { orderId = "o-2", amount = 300m, margin = 90m, category = "movers" }),
            Of("refund", customer, Signup.AddMonths(6).AddDays(9), new { orderId = "o-2", amount = 50m, margin = 15m }),
            Of("visit", customer, Signup.AddMonths(7), new { cost = 80m, purpose = "review" }),
            Of("promotion-offered", customer, Signup.AddMonths(8), new { promotionId = "p-1", cost = 5m }),
            Of("promotion-accepted", customer, Signup.AddMonths(8).AddDays(2), new { promotionId = "p-1", discountAmount = 10m }),
        });
        return customer;
    }

    [Fact]
    public async Task the_historical_value_is_revenue_margin_costs_by_kind_and_profit()
    {
        var customer = await CustomerWithAYearOfHistory();

        var value = await app.Host.GetJson($"/api/customers/{customer}/value?formula=simple-clv@0");

        // revenue = 100 + 300 - 50 = 350; margin = 30 + 90 - 15 = 105
        // costs: acquisition 120, support 15, visits 80, promotions 5 + 10 = 15, retention 0 (total 230)
        // profit = 105 - 230 = -125
        var historical = value["historical"]!;
        historical["revenue"]!.GetValue<decimal>().ShouldBe(350m);
        historical["margin"]!.GetValue<decimal>().ShouldBe(105m);
        historical["costs"]!["acquisition"]!.GetValue<decimal>().ShouldBe(120m);
        historical["costs"]!["support"]!.GetValue<decimal>().ShouldBe(15m);
        historical["costs"]!["visits"]!.GetValue<decimal>().ShouldBe(80m);
        historical["costs"]!["promotions"]!.GetValue<decimal>().ShouldBe(15m);
        historical["costs"]!["retention"]!.GetValue<decimal>().ShouldBe(0m);
        historical["profit"]!.GetValue<decimal>().ShouldBe(-125m);
        value["customerId"]!.GetValue<string>().ShouldBe(customer);
        value["formula"]!["name"]!.GetValue<string>().ShouldBe("simple-clv");
        value["formula"]!["version"]!.GetValue<int>().ShouldBe(0);
    }

    [Fact]
    public async Task as_of_a_date_only_touchpoints_that_occurred_by_then_count()
    {
        var customer = await CustomerWithAYearOfHistory();

        // By 15 April 2024: the signup, the first purchase and the support call.
        var value = await app.Host.GetJson($"/api/customers/{customer}/value?formula=simple-clv@0&asOf=2024-04-15");

        value["historical"]!["revenue"]!.GetValue<decimal>().ShouldBe(100m);
        value["historical"]!["profit"]!.GetValue<decimal>().ShouldBe(30m - 120m - 15m);
        value["touchpointsCounted"]!.GetValue<int>().ShouldBe(3);
        value["asOf"]!.GetValue<DateTimeOffset>().ShouldBe(new DateTimeOffset(2024, 4, 15, 23, 59, 59, TimeSpan.Zero), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task the_built_in_simple_clv_estimates_order_value_and_frequency_from_the_customers_own_purchases()
    {
        var customer = await CustomerWithAYearOfHistory();
        var formula = await app.RegisterFormula("simple-clv", new { lifetimeYears = 3m });

        // As of 31 Dec 2024 06:00 UTC the customer has been here 365.25 days = exactly 1 year.
        // averageOrderValue = net revenue / purchases = 350 / 2 = 175; purchasesPerYear = 2 / 1 = 2
        // CLV = 175 x 2 x 3 = 1,050
        var value = await app.Host.GetJson($"/api/customers/{customer}/value?formula={formula}&asOf=2024-12-31T06:00:00Z");

        value["current"]!.GetValue<decimal>().ShouldBe(1050m);
        value["inputs"]!["averageOrderValue"]!.GetValue<decimal>().ShouldBe(175m);
        value["inputs"]!["purchasesPerYear"]!.GetValue<decimal>().ShouldBe(2m);
    }

    [Fact]
    public async Task a_customer_who_costs_more_than_it_brings_has_a_negative_retention_ltv_and_tier()
    {
        var customer = await CustomerWithAYearOfHistory();
        var formula = await app.RegisterFormula("retention-ltv", new { retentionRate = 0.8m, discountRate = 0.1m });

        // One year of tenure: margin 105/year, development (promotions + visits) 95/year,
        // retention costs (support) 15/year: m = 105 - 95 - 15 = -5 per year.
        // LTV = m r / (1 + i - r) - AC = -5 x 0.8 / 0.3 - 0 = -13.33
        var value = await app.Host.GetJson($"/api/customers/{customer}/value?formula={formula}&asOf=2024-12-31T06:00:00Z");

        value["current"]!.GetValue<decimal>().ShouldBe(-13.33m);
        value["tier"]!.GetValue<string>().ShouldBe("negative");
    }

    [Fact]
    public async Task known_at_shows_the_value_before_a_back_dated_import_was_recorded()
    {
        var customer = await CustomerWithAYearOfHistory();
        var before = (await app.Host.TimelineEntries(customer))[^1]!["recordedAt"]!.GetValue<DateTimeOffset>();
        await app.Host.PostTouchpoints(Of("purchase", customer, Signup.AddMonths(4),
            new { orderId = "erp-77", amount = 1000m, margin = 400m, category = "lifting" }));

        var withImport = await app.Host.GetJson($"/api/customers/{customer}/value?formula=simple-clv@0&asOf=2024-12-31");
        var knownBefore = await app.Host.GetJson(
            $"/api/customers/{customer}/value?formula=simple-clv@0&asOf=2024-12-31&knownAt={Uri.EscapeDataString(before.ToString("O"))}");

        withImport["historical"]!["revenue"]!.GetValue<decimal>().ShouldBe(1350m);
        knownBefore["historical"]!["revenue"]!.GetValue<decimal>().ShouldBe(350m);
        knownBefore["knownAt"]!.GetValue<DateTimeOffset>().ShouldBe(before);
    }

    [Fact]
    public async Task an_acknowledged_purchase_is_in_the_very_next_value_read()
    {
        var customer = await CustomerWithAYearOfHistory();

        await app.Host.PostTouchpoints(Purchase(customer, Signup.AddMonths(10), amount: 40m, margin: 10m));

        var value = await app.Host.GetJson($"/api/customers/{customer}/value?formula=simple-clv@0");
        value["historical"]!["revenue"]!.GetValue<decimal>().ShouldBe(390m);
    }

    [Fact]
    public async Task the_value_history_has_one_point_per_touchpoint_in_business_time_order()
    {
        var customer = await CustomerWithAYearOfHistory();

        var history = await app.Host.GetJson($"/api/customers/{customer}/value-history?formula=simple-clv@0");

        var points = history["points"]!.AsArray();
        points.Count.ShouldBe(8);
        points.Select(p => p!["revenue"]!.GetValue<decimal>()).ShouldBe([0m, 100m, 100m, 400m, 350m, 350m, 350m, 350m]);
        points.Select(p => p!["profit"]!.GetValue<decimal>()).ShouldBe([-120m, -90m, -105m, -15m, -30m, -110m, -115m, -125m]);
        // docs/value.md §12: simple-clv (lifetime 3) as of each point's own date, tenure floored at a quarter.
        points.Select(p => p!["current"]!.GetValue<decimal>()).ShouldBe([0m, 1200m, 1200m, 2408.24m, 2007.92m, 1800.53m, 1571.77m, 1558.99m]);
    }

    [Fact]
    public async Task the_value_history_read_from_the_latest_touchpoint_pages_back_with_the_same_values()
    {
        var customer = await CustomerWithAYearOfHistory();
        var url = $"/api/customers/{customer}/value-history?formula=simple-clv@0&order=newest&pageSize=3";

        var latest = await app.Host.GetJson(url);
        var before = await app.Host.GetJson($"{url}&page=2");

        // The points of the test above, 8 to 6 then 5 to 3.
        latest["points"]!.AsArray().Select(p => p!["current"]!.GetValue<decimal>()).ShouldBe([1558.99m, 1571.77m, 1800.53m]);
        before["points"]!.AsArray().Select(p => p!["current"]!.GetValue<decimal>()).ShouldBe([2007.92m, 2408.24m, 1200m]);
        (latest["total"]!.GetValue<int>(), latest["order"]!.GetValue<string>()).ShouldBe((8, "newest"));
    }

    [Fact]
    public async Task unknown_customers_formulas_and_dates_are_clear_problems()
    {
        var customer = await CustomerWithAYearOfHistory();

        await app.Host.GetJson($"/api/customers/{Ids.Customer()}/value", 404);
        await app.Host.GetJson($"/api/customers/{customer}/value?formula=simple-clv@999", 404);
        await app.Host.GetJson($"/api/customers/{customer}/value?formula=magic@1", 404);
        (await app.Host.GetJson($"/api/customers/{customer}/value?formula=simple-clv@abc", 400)).ErrorKeys().ShouldBe(["formula"]);
        (await app.Host.GetJson($"/api/customers/{customer}/value?formula=@2", 400)).ErrorKeys().ShouldBe(["formula"]);
        (await app.Host.GetJson($"/api/customers/{customer}/value?asOf=yesterday", 400)).ErrorKeys().ShouldBe(["asOf"]);
        (await app.Host.GetJson($"/api/customers/{customer}/value?knownAt=soon", 400)).ErrorKeys().ShouldBe(["knownAt"]);
    }

    [Fact]
    public async Task of_the_time_and_a_version_written_loosely_are_refused_as_malformed_not_looked_for()
    {
        var customer = await CustomerWithAYearOfHistory();

        // of-the-time is value-history's: on a single value it was "No formula 'of-the-time' is registered" (404).
        var ofTheTime = await app.Host.GetJson($"/api/customers/{customer}/value?formula=of-the-time", 400);
        ofTheTime.ErrorKeys().ShouldBe(["formula"]);
        ofTheTime["detail"]!.GetValue<string>().ShouldContain("knownAt");
        (await app.Host.PostJson("/api/replays", new { formula = "of-the-time" }, 400)).ErrorKeys().ShouldBe(["formula"]);
        // "+0" and " 0" were read as version 0 and valued (200).
        (await app.Host.GetJson($"/api/customers/{customer}/value?formula=simple-clv@%2B0", 400)).ErrorKeys().ShouldBe(["formula"]);
        (await app.Host.GetJson($"/api/customers/{customer}/value?formula=simple-clv@%200", 400)).ErrorKeys().ShouldBe(["formula"]);
        await app.Host.GetJson($"/api/customers/{customer}/value?formula=simple-clv@0");
    }

    [Fact]
    public async Task a_formula_whose_arithmetic_overflows_for_a_customer_is_422_not_a_server_error()
    {
        // A version registered before parameters had bounds (it passed the probe customer, who orders about 100 a time:
        // 100 x 1e12 x 1e10 = 1e24), but this customer's orders of a billion make 1e9 x 1e12 x 1e10 = 1e31, past a decimal's 7.9e28.
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(5), amount: 1_000_000_000m, margin: 1m) });
        var formula = await app.Host.RegisterBeforeBounds("simple-clv",
            new Dictionary<string, decimal> { ["purchasesPerYear"] = 1_000_000_000_000m, ["lifetimeYears"] = 10_000_000_000m });

        var problem = await app.Host.GetJson($"/api/customers/{customer}/value?formula={formula}", 422);
        await app.Host.GetJson($"/api/customers/{customer}/value-history?formula={formula}", 422);

        problem["detail"]!.GetValue<string>().ShouldContain("cannot be computed");
        problem["detail"]!.GetValue<string>().ShouldContain("averageOrderValue = 1000000000");
        problem["detail"]!.GetValue<string>().ShouldContain("exceeds the largest amount held, about 7.9e28");
        problem["detail"]!.GetValue<string>().ShouldNotContain("Decimal");
    }
}
