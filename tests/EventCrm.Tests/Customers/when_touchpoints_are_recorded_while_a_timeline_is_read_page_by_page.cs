using System.Text.Json.Nodes;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Customers;

/// <summary>
/// The timeline's pages are places in the customer's timeline as it is when each is read: a touchpoint recorded between two
/// reads moved them, and page 2 of the latest first repeated the last entry of page 1. A timeline answers the version of the
/// stream it read (<c>streamVersion</c>); sent back as <c>upToVersion</c>, the next pages read that same timeline.
/// </summary>
public class when_touchpoints_are_recorded_while_a_timeline_is_read_page_by_page(AppFixture app)
{
    /// <summary>A signup, then a purchase every hour: 25 touchpoints, versions 1 to 25 in business-time order.</summary>
    private async Task<string> AccountOf25()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1) }
            .Concat(Enumerable.Range(1, 24).Select(hour => Purchase(customer, Jan1.AddHours(hour), amount: 10m, margin: 3m))).ToArray());
        return customer;
    }

    private static long[] Versions(JsonNode page) => page["entries"]!.AsArray().Select(e => e!["version"]!.GetValue<long>()).ToArray();

    private static long[] Range(long from, long to) => from <= to
        ? Enumerable.Range((int)from, (int)(to - from + 1)).Select(v => (long)v).ToArray()
        : Enumerable.Range((int)to, (int)(from - to + 1)).Select(v => (long)v).Reverse().ToArray();

    [Fact]
    public async Task the_next_pages_sent_the_version_read_first_read_the_same_timeline()
    {
        var customer = await AccountOf25();
        var url = $"/api/customers/{customer}/timeline?order=newest&pageSize=10";
        var latest = await app.Host.GetJson(url);
        Versions(latest).ShouldBe(Range(25, 16));
        latest["streamVersion"]!.GetValue<long>().ShouldBe(25);

        // A purchase at hour 25 (version 26), then one back-dated to half past nine on the first day (version 27).
        await app.Host.PostTouchpoints(new[] { Purchase(customer, Jan1.AddHours(25), amount: 10m, margin: 3m) });
        await app.Host.PostTouchpoints(new[] { Purchase(customer, Jan1.AddMinutes(30), amount: 10m, margin: 3m) });

        // Without it, the pages are places in the timeline as it is now: 27 touchpoints, the latest ten 26 and 25 to 17;
        // the next ten 16 to 7, of which 16 was on the first page read.
        Versions(await app.Host.GetJson($"{url}&page=2")).ShouldBe(Range(16, 7));
        // With it, the timeline of 25 read first: the ten before 25 to 16, then the first five (the back-dated one left out).
        var second = await app.Host.GetJson($"{url}&page=2&upToVersion=25");
        Versions(second).ShouldBe(Range(15, 6));
        (second["total"]!.GetValue<int>(), second["streamVersion"]!.GetValue<long>(), second["state"]!.GetValue<string>()).ShouldBe((25, 25L, "active"));
        Versions(await app.Host.GetJson($"{url}&page=3&upToVersion=25")).ShouldBe(Range(5, 1));
        // From the oldest too: the back-dated purchase (version 27, at 09:30) would be second now.
        Versions(await app.Host.GetJson($"/api/customers/{customer}/timeline?pageSize=3&upToVersion=25")).ShouldBe([1, 2, 3]);
        Versions(await app.Host.GetJson($"/api/customers/{customer}/timeline?pageSize=3")).ShouldBe([1, 27, 2]);
    }

    [Fact]
    public async Task a_version_before_any_change_of_state_reads_the_timeline_as_it_stood_then()
    {
        // Version 1 is the signup alone: one touchpoint, the customer active after it; in business order, read from the kept ledger.
        var customer = await AccountOf25();

        var first = await app.Host.GetJson($"/api/customers/{customer}/timeline?upToVersion=1");

        Versions(first).ShouldBe([1]);
        (first["total"]!.GetValue<int>(), first["streamVersion"]!.GetValue<long>(), first["state"]!.GetValue<string>()).ShouldBe((1, 1L, "active"));
    }

    [Fact]
    public async Task a_version_beyond_the_stream_reads_the_whole_timeline_and_answers_its_latest_version()
    {
        var customer = await AccountOf25();

        var whole = await app.Host.GetJson($"/api/customers/{customer}/timeline?upToVersion=1000");

        whole["streamVersion"]!.GetValue<long>().ShouldBe(25);
        whole["total"]!.GetValue<int>().ShouldBe(25);
    }

    [Fact]
    public async Task a_negative_version_is_a_400_naming_upToVersion()
    {
        var customer = await AccountOf25();

        var problem = await app.Host.GetJson($"/api/customers/{customer}/timeline?upToVersion=-1", 400);

        problem.ErrorKeys().ShouldBe(["upToVersion"]);
    }
}
