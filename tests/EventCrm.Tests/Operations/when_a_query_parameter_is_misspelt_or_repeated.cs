using System.Text.Json.Nodes;
using Alba;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Operations;

/// <summary>
/// Query strings are read as strictly as bodies: an auditor who types <c>?as_of=2024-01-01</c>
/// must not get today's value with a 200 and take it for the value then (until 2026-12-05 an
/// unknown parameter was ignored, and one given twice was read as both joined by a comma).
/// </summary>
public class when_a_query_parameter_is_misspelt_or_repeated(AppFixture app)
{
    private async Task<string> CustomerWhoBoughtIn2025()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[]
        {
            Touchpoint.SignUp(customer, new DateTimeOffset(2023, 6, 1, 9, 0, 0, TimeSpan.Zero)),
            Touchpoint.Purchase(customer, new DateTimeOffset(2025, 1, 15, 9, 0, 0, TimeSpan.Zero), amount: 100m, margin: 30m),
        });
        return customer;
    }

    private static decimal Revenue(JsonNode value) => value["historical"]!["revenue"]!.GetValue<decimal>();

    [Theory]
    [InlineData("as_of")]
    [InlineData("date")]
    [InlineData("formulae")]
    public async Task a_value_asked_with_a_parameter_the_route_does_not_take_is_refused_naming_it(string parameter)
    {
        var customer = await CustomerWhoBoughtIn2025();

        var problem = await app.Host.GetJson($"/api/customers/{customer}/value?{parameter}=2024-01-01", 400);

        problem.ErrorKeys().ShouldBe([parameter]);
        problem["detail"]!.GetValue<string>().ShouldContain("GET /api/customers/{id}/value takes formula, asOf, knownAt");
        problem["type"]!.GetValue<string>().ShouldBe("https://tools.ietf.org/html/rfc9110#section-15.5.1");
    }

    [Fact]
    public async Task the_detail_names_each_fault_and_lists_what_the_route_takes_once()
    {
        var customer = await CustomerWhoBoughtIn2025();

        var problem = await app.Host.GetJson($"/api/customers/{customer}/value?as_of=2024-01-01&knownAt=2025-01-01&knownAt=2025-02-01", 400);

        problem["errors"]!["as_of"]![0]!.GetValue<string>().ShouldBe("is not a query parameter of this route");
        problem["detail"]!.GetValue<string>().ShouldBe("as_of is not a query parameter of this route; knownAt is given twice; it takes one value. " +
                                                      "GET /api/customers/{id}/value takes formula, asOf, knownAt (names are case-insensitive).");
    }

    [Fact]
    public async Task names_are_matched_whatever_their_case_as_the_binder_reads_them()
    {
        var customer = await CustomerWhoBoughtIn2025();

        // Its one purchase came after 2024-01-01: nothing earned by then, 100 since.
        var asWritten = await app.Host.GetJson($"/api/customers/{customer}/value?asOf=2024-01-01");
        var shouted = await app.Host.GetJson($"/api/customers/{customer}/value?ASOF=2024-01-01");
        var now = await app.Host.GetJson($"/api/customers/{customer}/value");

        Revenue(asWritten).ShouldBe(0m);
        Revenue(shouted).ShouldBe(0m);
        Revenue(now).ShouldBe(100m);
    }

    [Theory]
    [InlineData("/api/customers/{id}/value?asOf=2024-01-01&asOf=2025-01-01", "asOf")]
    [InlineData("/api/customers/{id}/value?asOf=2024-01-01&ASOF=2025-01-01", "asOf")]
    [InlineData("/api/customers/{id}/value-history?formula=simple-clv&formula=simple-clv", "formula")]
    [InlineData("/api/customers?search=ada&search=lovelace", "search")]
    [InlineData("/api/customers?page=1&page=2", "page")]
    [InlineData("/api/events?customerId={id}&customerId=someone-else", "customerId")]
    public async Task a_parameter_of_one_value_given_twice_is_refused_naming_it(string url, string parameter)
    {
        var customer = await CustomerWhoBoughtIn2025();

        var problem = await app.Host.GetJson(url.Replace("{id}", customer), 400);

        problem.ErrorKeys().ShouldBe([parameter]);
        problem["errors"]![parameter]![0]!.GetValue<string>().ShouldBe("is given twice; it takes one value");
    }

    [Fact]
    public async Task the_event_types_may_be_repeated_as_well_as_listed_with_commas()
    {
        var customer = await CustomerWhoBoughtIn2025();

        var repeated = await Export($"/api/events?customerId={customer}&types=signed-up&types=purchase");
        var listed = await Export($"/api/events?customerId={customer}&types=signed-up,purchase");
        var one = await Export($"/api/events?customerId={customer}&types=purchase");

        repeated.ShouldBe(["signed-up", "purchase"]);
        listed.ShouldBe(["signed-up", "purchase"]);
        one.ShouldBe(["purchase"]);
    }

    private async Task<string[]> Export(string url)
    {
        var result = await app.Host.Scenario(s => s.Get.Url(url));
        return (await result.ReadAsTextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!["type"]!.GetValue<string>()).ToArray();
    }

    // Routes that take no query parameter at all, and some that take others.
    [Theory]
    [InlineData("/api/customers/{id}", "no query parameters")]
    [InlineData("/api/customers/{id}/timeline", "page, pageSize, order")]
    [InlineData("/api/customers/{id}/retention", "no query parameters")]
    [InlineData("/api/customers/{id}/audit", "no query parameters")]
    [InlineData("/api/customers/{id}/value-history", "formula, knownAt, page, pageSize, order")]
    [InlineData("/api/customers", "search, state, page, pageSize")]
    [InlineData("/api/retention/pending", "page, pageSize, order")]
    [InlineData("/api/portfolio/pareto", "no query parameters")]
    [InlineData("/api/kpis", "from, to")]
    [InlineData("/api/formulas", "no query parameters")]
    [InlineData("/api/models/current", "knownAt")]
    [InlineData("/api/replays", "formula, state, page, pageSize")]
    [InlineData("/api/events", "from, to, types, customerId, spreadsheetSafe")]
    [InlineData("/api/keys/me", "no query parameters")]
    [InlineData("/api/audit/anchor", "no query parameters")]
    [InlineData("/api/projections", "no query parameters")]
    public async Task every_api_route_refuses_a_parameter_it_does_not_take(string route, string takes)
    {
        var customer = await CustomerWhoBoughtIn2025();

        var problem = await app.Host.GetJson(route.Replace("{id}", customer) + "?asof=2024-01-01", 400);

        problem.ErrorKeys().ShouldBe(["asof"]);
        problem["detail"]!.GetValue<string>().ShouldContain($"GET {route} takes {takes}");
    }

    [Fact]
    public async Task touchpoints_posted_with_a_parameter_the_route_does_not_take_are_not_appended()
    {
        var customer = Ids.Customer();

        var result = await app.Host.Scenario(s =>
        {
            s.Post.Json(Touchpoint.SignUp(customer, Touchpoint.Jan1)).ToUrl("/api/touchpoints").QueryString("dryRun", "true");
            s.StatusCodeShouldBe(400);
        });

        JsonNode.Parse(await result.ReadAsTextAsync())!.ErrorKeys().ShouldBe(["dryRun"]);
        (await app.Store.EventCount(customer)).ShouldBe(0);
    }

    [Fact]
    public async Task a_caller_without_a_key_is_told_so_first()
    {
        await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/customers?as_of=2024-01-01");
            s.WithRequestHeader(AppFixture.ApiKeyHeader, "no-such-key-anywhere");
            s.StatusCodeShouldBe(401);
        });
    }

    [Theory]
    [InlineData("/health?verbose=true")]
    [InlineData("/openapi/v1.json?v=2")]
    [InlineData("/index.html?customer=c-1")]
    public async Task the_routes_outside_the_api_are_left_alone(string url)
    {
        await app.Host.Scenario(s =>
        {
            s.Get.Url(url);
            s.StatusCodeShouldBe(200);
        });
    }
}
