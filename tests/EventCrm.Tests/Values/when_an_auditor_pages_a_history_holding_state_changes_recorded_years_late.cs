using System.Text.Json.Nodes;
using EventCrm.Host.Customers;
using EventCrm.Host.Values;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Values;

/// <summary>
/// A schema of its own: an account of a signup (day 0, 2010-01-01 08:00 UTC; acquisition cost 120) and a purchase of 10 (margin 3)
/// a day for 5,000 days, posted in five parts, each recording time kept: (A) the signup and days 1-1,000 [events 1-1,001];
/// (B) days 1,101-4,600 [1,002-4,501]; (C), recorded years late, a churn on day 3,000+4h, one on 1,000+4h, days 1,001-1,100, a
/// cancellation request on 1,050+4h and a churn on 1,060+4h [4,502-4,605]; (D) days 4,601-5,000 [4,606-5,005]; (E) a churn on
/// day 4,700+4h [5,006]. A read then writes the checkpoints of events 1,000 to 5,000. Only the checkpoint of event 1,000 holds
/// the first points of the timeline, so a page after it is read from every touchpoint's place (<see cref="PlacedHistory"/>),
/// starting from a checkpoint dated after the churns of part C.
/// </summary>
public sealed class LateChurnsHost() : SchemaHost("eventcrm_late_churns_history")
{
    public const string Account = "b2b-late-churns";
    public static readonly DateTimeOffset Start = new(2010, 1, 1, 8, 0, 0, TimeSpan.Zero);
    /// <summary>The recording time of each part, A to E.</summary>
    public List<DateTimeOffset> Recorded { get; } = [];

    public static DateTimeOffset Day(double day) => Start.AddDays(day);

    protected override async Task SeedAsync()
    {
        await Post([SignUp(Account, Start), .. Days(1, 1_000)]);
        await Post([.. Days(1_101, 4_600)]);
        await Post([
            Churn(Account, Day(3_000).AddHours(4)), Churn(Account, Day(1_000).AddHours(4)), .. Days(1_001, 1_100),
            CancellationRequest(Account, Day(1_050).AddHours(4)), Churn(Account, Day(1_060).AddHours(4)),
        ]);
        await Post([.. Days(4_601, 5_000)]);
        await Post([Churn(Account, Day(4_700).AddHours(4))]);
        await Host.GetJson($"/api/customers/{Account}/value?asOf={Day(1):yyyy-MM-dd}");   // writes the checkpoints it lacks
    }

    private static IEnumerable<Dictionary<string, object?>> Days(int first, int last) =>
        Enumerable.Range(first, last - first + 1).Select(d => Purchase(Account, Day(d), amount: 10m, margin: 3m));

    private async Task Post(Dictionary<string, object?>[] touchpoints)
    {
        foreach (var batch in touchpoints.Chunk(1_000)) await Host.PostTouchpoints(batch);
        await using var connection = new NpgsqlConnection(EventCrm.Tests.DataTools.DataCommandLine.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select max(timestamp) from {Schema}.mt_events where stream_id = @id", connection);
        command.Parameters.AddWithValue("id", Account);
        Recorded.Add(new DateTimeOffset(DateTime.SpecifyKind((DateTime)(await command.ExecuteScalarAsync())!, DateTimeKind.Utc), TimeSpan.Zero));
    }
}

/// <summary>
/// An auditor pages the value history of an account whose churns and cancellation request were recorded years after their business
/// time, among the checkpoints: the page's ledger, a checkpoint dated after them moved on by them, places each from the state-changing
/// touchpoints dated after it (<see cref="EventCrm.Projections.Values.FoldedStateMarks"/>: types and times read from the last checkpoint
/// dated no later), not by sorting the whole stream. Each page is the page sorted from the whole stream, to the byte, and its points
/// are worked out here from the days they count.
/// </summary>
public class when_an_auditor_pages_a_history_holding_state_changes_recorded_years_late(LateChurnsHost account) : IClassFixture<LateChurnsHost>
{
    /// <summary>A point worked out by hand: its business time, the purchases it counts (every day from 1), and whether the client is churned then.</summary>
    private sealed record Expected(DateTimeOffset OccurredAt, int Purchases, bool Churned);

    private static DateTimeOffset Day(double day) => LateChurnsHost.Day(day);

    private static Expected Bought(int day) => new(Day(day), day, Churned: false);

    // In business order the timeline is: the signup [point 0]; day d at point d up to day 1,000; the churn of 1,000+4h [1,001]; day d
    // at d + 1 up to 1,050; the request of 1,050+4h [1,052]; day d at d + 2 up to 1,060; the churn of 1,060+4h [1,063]; day d at
    // d + 3 up to 3,000 [3,003]; the churn of 3,000+4h [3,004]; day d at d + 4 up to 4,700 [4,704]; the churn of 4,700+4h [4,705];
    // day d at d + 5 up to 5,000 [5,005]: 5,006 points. Every churn is won back by the next day's purchase.

    [Fact]
    public async Task as_known_now_the_churn_of_day_3000_is_placed_from_the_marks_after_it()
    {
        // Points 3,000-3,019, from the checkpoint of event 2,000 (dated up to day 2,099): days 2,997-3,000, the churn of 3,000+4h
        // (3,000 purchases: revenue 30,000, profit 3 × 3,000 - 120 = 8,880, no current value), days 3,001-3,015.
        Expected[] points = [.. Enumerable.Range(2_997, 4).Select(Bought), new(Day(3_000).AddHours(4), 3_000, Churned: true),
            .. Enumerable.Range(3_001, 15).Select(Bought)];
        await ShouldBeThePoints("pageSize=20&page=151", 5_006, points);
    }

    [Fact]
    public async Task as_known_now_the_newest_pages_count_the_churn_of_day_4700_and_the_block()
    {
        // Newest first, points 4,705 down to 4,656, from the checkpoint of event 4,000 (dated up to day 4,099): the churn of
        // 4,700+4h, then days 4,700 down to 4,652.
        Expected[] points = [new(Day(4_700).AddHours(4), 4_700, Churned: true), .. Enumerable.Range(4_652, 49).Reverse().Select(Bought)];
        await ShouldBeThePoints("pageSize=50&page=7&order=newest", 5_006, points);
        await ShouldBeThePoints("pageSize=50&page=1&order=newest", 5_006, [.. Enumerable.Range(4_951, 50).Reverse().Select(Bought)]);
    }

    [Fact]
    public async Task as_known_after_the_block_the_newest_page_counts_it()
    {
        // Known after part C: the signup, days 1-4,600 and the churns and request of part C: 4,605 points, the newest days 4,551-4,600.
        await ShouldBeThePoints($"knownAt={Moment(account.Recorded[2])}&pageSize=50&page=1&order=newest", 4_605,
            [.. Enumerable.Range(4_551, 50).Reverse().Select(Bought)]);
    }

    [Fact]
    public async Task of_the_time_the_days_recorded_before_the_churn_of_day_4700_were_shown_without_it()
    {
        // Points 4,700-4,719: days 4,696-4,700, the churn of 4,700+4h, days 4,701-4,714 (recorded before the churn, shown as known
        // then: the block counted, that churn not; still d purchases each).
        Expected[] points = [.. Enumerable.Range(4_696, 5).Select(Bought), new(Day(4_700).AddHours(4), 4_700, Churned: true),
            .. Enumerable.Range(4_701, 14).Select(Bought)];
        await ShouldBeThePoints("formula=of-the-time&pageSize=20&page=236", 5_006, points);
        // Known after part D: no churn on day 4,700, day d at d + 4 after day 3,000.
        await ShouldBeThePoints($"formula=of-the-time&knownAt={Moment(account.Recorded[3])}&pageSize=20&page=236", 5_005,
            [.. Enumerable.Range(4_696, 20).Select(Bought)]);
    }

    private static string Moment(DateTimeOffset at) => LargeAccountHost.Moment(at);

    private async Task ShouldBeThePoints(string query, int total, Expected[] expected)
    {
        var result = await account.Host.Scenario(s => s.Get.Url($"/api/customers/{LateChurnsHost.Account}/value-history?{query}"));
        var text = await result.ReadAsTextAsync();
        var page = JsonNode.Parse(text)!;
        page["total"]!.GetValue<int>().ShouldBe(total, query);
        var points = page["points"]!.AsArray();
        points.Select(p => p!["occurredAt"]!.GetValue<DateTimeOffset>()).ShouldBe(expected.Select(e => e.OccurredAt), query);
        foreach (var (point, e) in points.Zip(expected))
        {
            (point!["revenue"]!.GetValue<decimal>(), point["profit"]!.GetValue<decimal>()).ShouldBe((10m * e.Purchases, 3m * e.Purchases - 120m), $"{query}, {e}");
            // A churned client is expected to buy nothing more: no current value; an active one, some.
            (point["current"]!.GetValue<decimal>() == 0m).ShouldBe(e.Churned, $"{query}, {e}");
        }

        // Read from the places and a checkpoint dated after the churns back-dated, their state placed from the marks (null: the
        // whole stream sorted instead)...
        await using var session = account.Store.QuerySession();
        var parameters = query.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        var (asked, _) = TouchpointPage.Read(int.Parse(parameters["page"]), int.Parse(parameters["pageSize"]), parameters.GetValueOrDefault("order"));
        var knownAt = parameters.TryGetValue("knownAt", out var known) ? DateTimeOffset.Parse(known) : (DateTimeOffset?)null;
        var ofTheTime = parameters.ContainsKey("formula");
        var marks = await CheckpointedLedger.MarksAsync(session, LateChurnsHost.Account, default);
        marks.Select(m => m.Version).ShouldBe([1_000L, 2_000, 3_000, 4_000, 5_000]);
        (await CheckpointedHistory.ReadAsync(session, LateChurnsHost.Account, marks, knownAt, asked!, default)).ShouldBeNull(query);
        var window = await BackDatedHistory.ReadAsync(session, LateChurnsHost.Account, marks, knownAt, ofTheTime, asked!, default);
        window.ShouldNotBeNull(query);
        (await PlacedHistory.ReadAsync(session, LateChurnsHost.Account, marks, knownAt, ofTheTime, asked!, default)).ShouldNotBeNull(query);
        if (ofTheTime) window.RecordedInOrder.ShouldBeTrue(query);
        // ...and the same bytes as the page sorted from the whole stream.
        text.ShouldBe(await WholeStreamValue.HistoryAsync(account.Host, LateChurnsHost.Account, query), query);
    }
}
