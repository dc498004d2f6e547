using System.Text.Json.Nodes;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Customers;

/// <summary>
/// A B2B account buys every hour for months: its timeline and value history are read a page at a
/// time (a stream has no bound; an answer must have one), while a customer of up to a thousand
/// touchpoints is still read whole by default.
/// </summary>
public class when_a_customer_has_more_touchpoints_than_a_page(AppFixture app)
{
    private const int Purchases = 2_399;

    /// <summary>A signup, then a purchase of 10 (margin 3) every hour: 2,400 touchpoints, versions 1 to 2,400 in business-time order.</summary>
    private async Task<string> AccountBuyingEveryHour()
    {
        var customer = Ids.Customer();
        var touchpoints = new[] { SignUp(customer, Jan1) }
            .Concat(Enumerable.Range(1, Purchases).Select(hour => Purchase(customer, Jan1.AddHours(hour), amount: 10m, margin: 3m)))
            .ToArray();
        foreach (var batch in touchpoints.Chunk(1_000)) await app.Host.PostTouchpoints(batch);
        return customer;
    }

    private static long[] Versions(JsonNode page, string list) => page[list]!.AsArray().Select(e => e!["version"]?.GetValue<long>() ?? 0).ToArray();

    [Fact]
    public async Task a_timeline_read_without_paging_holds_its_first_thousand_touchpoints_and_says_how_many_there_are()
    {
        var customer = await AccountBuyingEveryHour();

        var timeline = await app.Host.GetJson($"/api/customers/{customer}/timeline");

        timeline["total"]!.GetValue<int>().ShouldBe(2_400);
        (timeline["page"]!.GetValue<int>(), timeline["pageSize"]!.GetValue<int>(), timeline["order"]!.GetValue<string>()).ShouldBe((1, 1_000, "oldest"));
        Versions(timeline, "entries").ShouldBe(Enumerable.Range(1, 1_000).Select(v => (long)v).ToArray());
        timeline["entries"]![0]!["type"]!.GetValue<string>().ShouldBe("signed-up");
        timeline["state"]!.GetValue<string>().ShouldBe("active");
    }

    [Fact]
    public async Task the_desk_reads_the_latest_touchpoints_first_and_pages_back_to_the_first()
    {
        var customer = await AccountBuyingEveryHour();
        var url = $"/api/customers/{customer}/timeline?order=newest&pageSize=10";

        var latest = await app.Host.GetJson(url);
        var first = await app.Host.GetJson($"{url}&page=240");
        var beyond = await app.Host.GetJson($"{url}&page=241");

        Versions(latest, "entries").ShouldBe([2_400, 2_399, 2_398, 2_397, 2_396, 2_395, 2_394, 2_393, 2_392, 2_391]);
        latest["entries"]!.AsArray().Select(e => e!["state"]!.GetValue<string>()).ShouldAllBe(state => state == "active");
        Versions(first, "entries").ShouldBe([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
        beyond["entries"]!.AsArray().ShouldBeEmpty();
        beyond["total"]!.GetValue<int>().ShouldBe(2_400);
    }

    [Fact]
    public async Task the_value_history_is_paged_alike_and_a_point_keeps_its_value_on_any_page()
    {
        var customer = await AccountBuyingEveryHour();
        var url = $"/api/customers/{customer}/value-history?formula=simple-clv@0";

        var whole = await app.Host.GetJson(url);
        var latest = await app.Host.GetJson($"{url}&order=newest&pageSize=3");
        var second = await app.Host.GetJson($"{url}&page=2&pageSize=3");

        whole["total"]!.GetValue<int>().ShouldBe(2_400);
        whole["points"]!.AsArray().Count.ShouldBe(1_000);
        // After k purchases of 10 the revenue is 10 k and the profit 3 k less the signup's acquisition cost of 120.
        latest["points"]!.AsArray().Select(p => p!["revenue"]!.GetValue<decimal>()).ShouldBe([23_990m, 23_980m, 23_970m]);
        latest["points"]!.AsArray().Select(p => p!["profit"]!.GetValue<decimal>()).ShouldBe([7_077m, 7_074m, 7_071m]);
        second["points"]!.AsArray().Select(p => p!["revenue"]!.GetValue<decimal>()).ShouldBe([30m, 40m, 50m]);
        second["points"]!.AsArray().Select(p => p!.ToJsonString())
            .ShouldBe(whole["points"]!.AsArray().Skip(3).Take(3).Select(p => p!.ToJsonString()));
    }

    [Theory]
    [InlineData("timeline?page=0", "page", "page must be between 1 and 1,000,000")]
    [InlineData("timeline?pageSize=1001", "pageSize", "pageSize must be between 1 and 1,000")]
    [InlineData("timeline?order=latest", "order", "order must be oldest (the first touchpoint first) or newest (the latest first), in lower case")]
    [InlineData("timeline?order=NEWEST", "order", "order must be oldest (the first touchpoint first) or newest (the latest first), in lower case")]
    [InlineData("value-history?pageSize=0", "pageSize", "pageSize must be between 1 and 1,000")]
    [InlineData("value-history?page=1000001", "page", "page must be between 1 and 1,000,000")]
    [InlineData("value-history?order=up", "order", "order must be oldest (the first touchpoint first) or newest (the latest first), in lower case")]
    [InlineData("value-history?order=Oldest", "order", "order must be oldest (the first touchpoint first) or newest (the latest first), in lower case")]
    public async Task a_page_out_of_range_is_refused_as_on_the_other_paged_routes(string route, string parameter, string detail)
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));

        var problem = await app.Host.GetJson($"/api/customers/{customer}/{route}", 400);

        problem["detail"]!.GetValue<string>().ShouldBe(detail);
        problem.ErrorKeys().ShouldBe([parameter]);
    }
}
