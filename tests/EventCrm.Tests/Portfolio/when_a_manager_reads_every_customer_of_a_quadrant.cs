using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Portfolio;

/// <summary>The base of <see cref="SmallPortfolio"/>, in a schema of its own.</summary>
public sealed class QuadrantPortfolio() : SmallPortfolio("eventcrm_portfolio_quadrants");

/// <summary>
/// The segments answer gave a page its first few customers of each quadrant and "and N more" with no way to
/// the rest: a quadrant of thousands must be read to its last customer, a page at a time, in the same order.
/// </summary>
public class when_a_manager_reads_every_customer_of_a_quadrant(QuadrantPortfolio portfolio) : IClassFixture<QuadrantPortfolio>
{
    private const string Route = "/api/portfolio/segments/{0}/customers";

    [Fact]
    public async Task the_quadrant_is_read_a_page_at_a_time_worth_most_now_first()
    {
        // As in when_analysing_the_portfolio: under retention-ltv@0 and the default model every active customer is
        // worth m x 0.75 / (1 + 0.08 - 0.75) with m its margin per year (margin / tenure, one tenure for all):
        // B (150) > A (100) > C (50) are high value, every potential is 0 (high). Pages of 2: B, A, then C, then none.
        var first = await portfolio.Host.GetJson(Url("high-value-high-potential", "page=1&pageSize=2"));
        var second = await portfolio.Host.GetJson(Url("high-value-high-potential", "page=2&pageSize=2"));
        var past = await portfolio.Host.GetJson(Url("high-value-high-potential", "page=3&pageSize=2"));

        Listed(first).ShouldBe("B Bob Best, A Ann Able");
        Listed(second).ShouldBe("C Cid Cole");
        Listed(past).ShouldBe("");
        foreach (var (page, number) in new[] { (first, 1), (second, 2), (past, 3) })
        {
            page["quadrant"]!.GetValue<string>().ShouldBe("high-value-high-potential");
            (page["page"]!.GetValue<int>(), page["pageSize"]!.GetValue<int>(), page["total"]!.GetValue<int>()).ShouldBe((number, 2, 3));
        }

        // Each with the values that place it, as valued for the segments: tenure in years from the signup to asOf.
        var tenure = (decimal)(first["asOf"]!.GetValue<DateTimeOffset>() - SmallPortfolio.SignupDay).TotalDays / 365.25m;
        var bob = first["customers"]![0]!;
        bob["currentValue"]!.GetValue<decimal>().ShouldBe(150m / tenure * 0.75m / 0.33m, 0.01m);
        bob["potentialValue"]!.GetValue<decimal>().ShouldBe(0m);
        // The median of (B, A, C, E, 0 for the churned D) is C's value: the thresholds the page says "high" against.
        first["currentValueThreshold"]!.GetValue<decimal>().ShouldBe(second["customers"]![0]!["currentValue"]!.GetValue<decimal>());
        first["currentValueThreshold"]!.GetValue<decimal>().ShouldBe(50m / tenure * 0.75m / 0.33m, 0.01m);
        first["potentialValueThreshold"]!.GetValue<decimal>().ShouldBe(0m);
        first["formula"]!["name"]!.GetValue<string>().ShouldBe("retention-ltv");
    }

    [Fact]
    public async Task every_quadrant_lists_in_the_order_and_count_of_the_segments()
    {
        var segments = (await portfolio.Host.GetJson("/api/portfolio/segments"))["analysis"]!["quadrants"]!.AsArray();

        // E (20 of margin) before the churned D (worth 0); no customer is low on potential, all being at its median of 0.
        foreach (var (quadrant, expected) in new[] { ("high-value-high-potential", "B Bob Best, A Ann Able, C Cid Cole"),
                     ("low-value-high-potential", "E Eve Eden, D Dan Dale"), ("high-value-low-potential", ""), ("low-value-low-potential", "") })
        {
            var page = await portfolio.Host.GetJson(string.Format(Route, quadrant));
            Listed(page).ShouldBe(expected);
            // Without paging parameters: page 1 of 100, enough for all of them here.
            (page["page"]!.GetValue<int>(), page["pageSize"]!.GetValue<int>()).ShouldBe((1, 100));
            page["total"]!.GetValue<int>().ShouldBe(segments.Single(q => q!["name"]!.GetValue<string>() == quadrant)!["count"]!.GetValue<int>());
        }
        var dan = (await portfolio.Host.GetJson(Url("low-value-high-potential", "page=2&pageSize=1")))["customers"]![0]!;
        (dan["customerId"]!.GetValue<string>(), dan["currentValue"]!.GetValue<decimal>()).ShouldBe(("D", 0m));
    }

    /// <summary>A page showing five of each quadrant read every member of all four: some 70 MB at a million customers.</summary>
    [Fact]
    public async Task the_segments_list_only_as_many_members_as_asked_for_and_count_them_all()
    {
        var two = (await portfolio.Host.GetJson("/api/portfolio/segments?members=2"))["analysis"]!["quadrants"]!.AsArray()
            .ToDictionary(q => q!["name"]!.GetValue<string>(), q => q!);
        var none = (await portfolio.Host.GetJson("/api/portfolio/segments?members=0"))["analysis"]!["quadrants"]![0]!;

        // B, A and C are high on both: the first two listed, the three counted (and their totals: C's value in them).
        var keep = two["high-value-high-potential"];
        string.Join(", ", keep["customers"]!.AsArray().Select(c => $"{c!["customerId"]} {c["name"]}")).ShouldBe("B Bob Best, A Ann Able");
        keep["customerIds"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldBe(["B", "A"]);
        keep["count"]!.GetValue<int>().ShouldBe(3);
        var page = await portfolio.Host.GetJson(Url("high-value-high-potential", "pageSize=3"));
        keep["totalCurrentValue"]!.GetValue<decimal>().ShouldBe(page["customers"]!.AsArray().Sum(c => c!["currentValue"]!.GetValue<decimal>()));
        // E and D: two asked for, both listed.
        two["low-value-high-potential"]["customerIds"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldBe(["E", "D"]);
        (none["count"]!.GetValue<int>(), none["customers"]!.AsArray().Count, none["customerIds"]!.AsArray().Count).ShouldBe((3, 0, 0));

        (await portfolio.Host.GetJson("/api/portfolio/segments?members=-1", 400))["detail"]!.GetValue<string>().ShouldBe("members must be 0 or more");
    }

    [Theory]
    [InlineData("page=0", "page", "page must be between 1 and 1,000,000")]
    [InlineData("page=1000001", "page", "page must be between 1 and 1,000,000")]
    [InlineData("pageSize=0", "pageSize", "pageSize must be between 1 and 1,000")]
    [InlineData("pageSize=1001", "pageSize", "pageSize must be between 1 and 1,000")]
    [InlineData("page=abc", "page", null)]
    [InlineData("size=10", "size", null)]
    public async Task a_page_out_of_bounds_is_a_400_naming_it(string query, string field, string? detail)
    {
        var problem = await portfolio.Host.GetJson(Url("low-value-high-potential", query), 400);

        problem.ErrorKeys().ShouldBe([field]);
        if (detail is not null) problem["detail"]!.GetValue<string>().ShouldBe(detail);
    }

    [Theory]
    [InlineData("high-value")]
    [InlineData("High-Value-High-Potential")]
    public async Task an_unknown_quadrant_is_a_404_listing_the_four(string quadrant)
    {
        var problem = await portfolio.Host.GetJson(string.Format(Route, quadrant), 404);

        problem.ErrorKeys().ShouldBe(["quadrant"]);
        problem["detail"]!.GetValue<string>().ShouldBe($"No quadrant '{quadrant}': the quadrants are high-value-high-potential, " +
            "high-value-low-potential, low-value-high-potential, low-value-low-potential.");
    }

    private static string Url(string quadrant, string query) => $"{string.Format(Route, quadrant)}?{query}";

    private static string Listed(System.Text.Json.Nodes.JsonNode page) => string.Join(", ", page["customers"]!.AsArray()
        .Select(c => $"{c!["customerId"]!.GetValue<string>()} {c["name"]!.GetValue<string>()}"));
}
