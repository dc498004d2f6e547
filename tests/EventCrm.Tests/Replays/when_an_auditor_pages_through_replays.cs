using System.Text.Json.Nodes;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Replays;

/// <summary>
/// An auditor reaches every difference of a replay and every replay made, a page at a time, paged as
/// GET /api/customers pages (page, pageSize, total; the same bounds and the same 400s). The audit page
/// showed the first ten of each, and the diff had no total nor the customers' bound on page.
/// </summary>
public class when_an_auditor_pages_through_replays(ReplayPagesHost replays) : IClassFixture<ReplayPagesHost>
{
    /// <summary>
    /// Replayed (own average order value) less live (100), largest absolute difference first, equal ones by customer id:
    /// pg-05 300, pg-02 250, pg-06 10, pg-07 180, pg-03 40 and pg-04 160 (60 each), pg-08 130 and pg-09 70 (30 each),
    /// pg-10 120, pg-12 110, pg-11 95, then pg-01 and pg-13 at 100, unchanged.
    /// </summary>
    private static readonly (string Customer, decimal Difference)[] Largest =
    [
        ("pg-05", 200m), ("pg-02", 150m), ("pg-06", -90m), ("pg-07", 80m), ("pg-03", -60m), ("pg-04", 60m), ("pg-08", 30m),
        ("pg-09", -30m), ("pg-10", 20m), ("pg-12", 10m), ("pg-11", -5m), ("pg-01", 0m), ("pg-13", 0m),
    ];

    [Fact]
    public async Task every_difference_is_reached_page_after_page_largest_first_with_the_total_on_each()
    {
        var id = await Completed(replays.ByOwnOrders, "2025-12-31");

        var reached = new List<(string, decimal)>();
        for (var page = 1; page <= 4; page++)
        {
            var diff = await replays.Host.GetJson($"/api/replays/{id}/diff?page={page}&pageSize=5");
            (diff["page"]!.GetValue<int>(), diff["pageSize"]!.GetValue<int>(), diff["total"]!.GetValue<long>()).ShouldBe((page, 5, 13L));
            (diff["customers"]!.GetValue<long>(), diff["changed"]!.GetValue<long>(), diff["tierChanges"]!.GetValue<long>()).ShouldBe((13L, 11L, 0L));
            diff["items"]!.AsArray().Count.ShouldBe(page switch { 1 or 2 => 5, 3 => 3, _ => 0 });
            reached.AddRange(diff["items"]!.AsArray().Select(i => (i!["customerId"]!.GetValue<string>(), i["difference"]!.GetValue<decimal>())));
        }

        reached.ShouldBe(Largest);
        var eleventh = (await replays.Host.GetJson($"/api/replays/{id}/diff?page=3&pageSize=5"))["items"]![0]!;
        (eleventh["replayed"]!.GetValue<decimal>(), eleventh["against"]!.GetValue<decimal>()).ShouldBe((95m, 100m));
    }

    [Fact]
    public async Task a_diff_asked_without_paging_keeps_its_defaults()
    {
        var id = await Completed(replays.ByOwnOrders, "2025-12-31");

        var diff = await replays.Host.GetJson($"/api/replays/{id}/diff");

        (diff["page"]!.GetValue<int>(), diff["pageSize"]!.GetValue<int>(), diff["total"]!.GetValue<long>()).ShouldBe((1, 50, 13L));
        diff["items"]!.AsArray().Select(i => i!["customerId"]!.GetValue<string>()).ShouldBe(Largest.Select(l => l.Customer));
    }

    [Fact]
    public async Task every_replay_made_is_reached_newest_first_ten_at_a_time()
    {
        // Twelve replays under the built-in retention-ltv, valued at the ends of 2025's months, January first.
        var made = new List<string>();
        for (var month = 1; month <= 12; month++)
            made.Add(await Completed("retention-ltv@0", new DateOnly(2025, month, 1).AddMonths(1).AddDays(-1).ToString("yyyy-MM-dd")));

        var first = await replays.Host.GetJson("/api/replays?formula=retention-ltv@0&pageSize=10");
        var second = await replays.Host.GetJson("/api/replays?formula=retention-ltv@0&pageSize=10&page=2");

        (first["total"]!.GetValue<long>(), second["total"]!.GetValue<long>()).ShouldBe((12L, 12L));
        Ids(first).ShouldBe(Enumerable.Range(0, 10).Select(n => made[11 - n]));   // December's down to March's
        Ids(second).ShouldBe([made[1], made[0]]);                                  // the eleventh newest is February's
        second["items"]![0]!["asOf"]!.GetValue<DateTimeOffset>().ShouldBe(new DateTimeOffset(2025, 2, 28, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999));
        Ids(await replays.Host.GetJson("/api/replays?formula=retention-ltv@0&pageSize=10&page=3")).ShouldBeEmpty();
        (await replays.Host.GetJson("/api/replays?formula=retention-ltv@0"))["pageSize"]!.GetValue<int>().ShouldBe(50);
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("page=1000001", "page")]
    [InlineData("page=2147483647", "page")]
    public async Task a_page_out_of_bounds_is_refused_as_the_customer_search_refuses_it(string paging, string key)
    {
        var id = await Completed(replays.ByOwnOrders, "2025-12-31");
        var customers = await replays.Host.GetJson($"/api/customers?{paging}", 400);

        var diff = await replays.Host.GetJson($"/api/replays/{id}/diff?{paging}", 400);
        var list = await replays.Host.GetJson($"/api/replays?{paging}", 400);

        foreach (var refusal in new[] { diff, list })
        {
            refusal.ErrorKeys().ShouldBe([key]);
            refusal["detail"]!.GetValue<string>().ShouldBe(customers["detail"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task the_deepest_page_is_answered_with_the_totals_and_the_largest_pages_stay_as_they_were()
    {
        var id = await Completed(replays.ByOwnOrders, "2025-12-31");

        var deepest = await replays.Host.GetJson($"/api/replays/{id}/diff?page=1000000&pageSize=500");
        var list = await replays.Host.GetJson("/api/replays?page=1000000&pageSize=200");

        (deepest["total"]!.GetValue<long>(), deepest["items"]!.AsArray().Count).ShouldBe((13L, 0));
        list["items"]!.AsArray().ShouldBeEmpty();
        (await replays.Host.GetJson($"/api/replays/{id}/diff?pageSize=501", 400))["detail"]!.GetValue<string>().ShouldBe("pageSize must be between 1 and 500");
        (await replays.Host.GetJson("/api/replays?pageSize=201", 400))["detail"]!.GetValue<string>()
            .ShouldBe((await replays.Host.GetJson("/api/customers?pageSize=201", 400))["detail"]!.GetValue<string>());
    }

    private static IEnumerable<string> Ids(JsonNode list) => list["items"]!.AsArray().Select(r => r!["id"]!.GetValue<string>());

    private async Task<string> Completed(string formula, string asOf)
    {
        var id = (await replays.Host.PostJson("/api/replays", new { formula, asOf }, 202))["id"]!.GetValue<string>();
        for (var deadline = DateTime.UtcNow.AddSeconds(120); ; await Task.Delay(100))
        {
            var run = await replays.Host.GetJson($"/api/replays/{id}");
            if (run["state"]!.GetValue<string>() == "completed") return id;
            if (run["state"]!.GetValue<string>() == "failed" || DateTime.UtcNow > deadline)
                throw new ShouldAssertException($"replay {id} did not complete: {run.ToJsonString()}");
        }
    }
}
