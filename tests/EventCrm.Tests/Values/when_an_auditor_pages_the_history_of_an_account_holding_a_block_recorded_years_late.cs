using System.Text.Json.Nodes;
using EventCrm.Host.Customers;
using EventCrm.Host.Values;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Values;

/// <summary>
/// A schema of its own: an account of a signup and a purchase a day for 6,000 days, days 1,001-1,100 recorded after day 5,000
/// (6,001 events: the signup, days 1-1,000, 1,101-5,000, 1,001-1,100, 5,001-6,000), posted 1,000 events at a time, so that
/// six recording times cut the stream: days 1,001-1,099 are recorded with days 4,100-5,000, day 1,100 with days 5,001-5,999.
/// Between day 1,000 and the checkpoint of event 6,000 no checkpoint holds the first points of the timeline, known now or
/// then: a page there is read from every touchpoint's place and the checkpoint nearest to it (<see cref="PlacedHistory"/>).
/// </summary>
public sealed class LateBlockHost() : SchemaHost("eventcrm_late_block_history")
{
    public const string Account = "b2b-late-block";
    public static readonly DateTimeOffset Start = new(2008, 1, 1, 8, 0, 0, TimeSpan.Zero);
    /// <summary>The recording time of each post of 1,000 events (the last: event 6,001).</summary>
    public List<DateTimeOffset> Recorded { get; } = [];

    /// <summary>Purchase of day d: 10 + d mod 3, margin 3.</summary>
    public static decimal Amount(int d) => 10m + d % 3;

    protected override async Task SeedAsync()
    {
        int[] days = [.. Enumerable.Range(1, 1_000), .. Enumerable.Range(1_101, 3_900), .. Enumerable.Range(1_001, 100), .. Enumerable.Range(5_001, 1_000)];
        var history = new[] { SignUp(Account, Start) }.Concat(days.Select(d => Purchase(Account, Start.AddDays(d), amount: Amount(d), margin: 3m)));
        foreach (var batch in history.Chunk(1_000))
        {
            await Host.PostTouchpoints(batch);
            await using var connection = new NpgsqlConnection(EventCrm.Tests.DataTools.DataCommandLine.ConnectionString());
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"select max(timestamp) from {Schema}.mt_events where stream_id = @id", connection);
            command.Parameters.AddWithValue("id", Account);
            Recorded.Add(new DateTimeOffset(DateTime.SpecifyKind((DateTime)(await command.ExecuteScalarAsync())!, DateTimeKind.Utc), TimeSpan.Zero));
        }
    }
}

/// <summary>
/// An auditor pages, as known after the fifth post and of the time, the value history of an account holding a block of purchases
/// recorded years after their business time. Each point is worked out here from the days it counts (point k: the signup, acquisition
/// cost 120, and the purchases of its days; revenue their sum, profit 3 a purchase less 120) and is, to the byte, the page sorted
/// from the whole stream, though read from every touchpoint's place and the checkpoint nearest to the page.
/// </summary>
public class when_an_auditor_pages_the_history_of_an_account_holding_a_block_recorded_years_late(LateBlockHost account) : IClassFixture<LateBlockHost>
{
    [Fact]
    public async Task as_known_after_the_fifth_post_the_block_counts_but_its_last_day_and_the_days_after_day_5000()
    {
        var knownAt = account.Recorded[4];
        // Known: days 1-1,099 and 1,101-5,000: point k is day k up to 1,099, day k + 1 after.
        static int DayOf(int k) => k <= 1_099 ? k : k + 1;
        IEnumerable<int> DaysUpTo(int k) => Enumerable.Range(1, DayOf(k)).Where(d => d != 1_100);
        await ShouldBeThePoints($"knownAt={Moment(knownAt)}&pageSize=50&page=1&order=newest", 5_000, [.. Enumerable.Range(4_950, 50).Reverse()], DayOf, DaysUpTo);
        await ShouldBeThePoints($"knownAt={Moment(knownAt)}&pageSize=30&page=37", 5_000, [.. Enumerable.Range(1_080, 30)], DayOf, DaysUpTo);
        await ShouldBeThePoints($"knownAt={Moment(knownAt)}&pageSize=50&page=60", 5_000, [.. Enumerable.Range(2_950, 50)], DayOf, DaysUpTo);
    }

    [Fact]
    public async Task of_the_time_a_day_recorded_before_the_block_was_shown_without_it_and_one_recorded_with_it_without_its_last_day()
    {
        // Days 1,101-4,099 were recorded before the block, days 4,100-5,000 with days 1,001-1,099 of it, the rest after it; the block
        // after every day before it.
        static IEnumerable<int> Shown(int k) => Enumerable.Range(1, k)
            .Where(d => k is >= 1_001 and <= 1_100 or >= 5_001 || d is <= 1_000 or > 1_100 || k >= 4_100 && d != 1_100);
        await ShouldBeThePoints("formula=of-the-time&pageSize=30&page=137", 6_001, [.. Enumerable.Range(4_080, 30)], k => k, Shown);  // across day 4,100
        await ShouldBeThePoints("formula=of-the-time&pageSize=40&page=28", 6_001, [.. Enumerable.Range(1_080, 40)], k => k, Shown);   // the block, then after it
        await ShouldBeThePoints("formula=of-the-time&pageSize=20&page=250", 6_001, [.. Enumerable.Range(4_980, 20)], k => k, Shown);  // up to day 4,999
        await ShouldBeThePoints($"formula=of-the-time&knownAt={Moment(account.Recorded[4])}&pageSize=40&page=50", 5_000, [.. Enumerable.Range(1_960, 40)], k => k + 1,
            k => Shown(k + 1));
    }

    private static string Moment(DateTimeOffset at) => LargeAccountHost.Moment(at);

    private async Task ShouldBeThePoints(string query, int total, int[] ks, Func<int, int> dayOf, Func<int, IEnumerable<int>> daysCounted)
    {
        var text = await ReadText(query);
        var page = JsonNode.Parse(text)!;
        page["total"]!.GetValue<int>().ShouldBe(total, query);
        var points = page["points"]!.AsArray();
        points.Select(p => p!["occurredAt"]!.GetValue<DateTimeOffset>()).ShouldBe(ks.Select(k => LateBlockHost.Start.AddDays(dayOf(k))), query);
        foreach (var (point, k) in points.Zip(ks))
        {
            var days = daysCounted(k).ToList();
            (point!["revenue"]!.GetValue<decimal>(), point["profit"]!.GetValue<decimal>()).ShouldBe((days.Sum(LateBlockHost.Amount), 3m * days.Count - 120m), $"{query}, point {k}");
        }

        // Read from the places and the checkpoints, every point with what was shown then...
        await using var session = account.Store.QuerySession();
        var parameters = query.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        var (asked, _) = TouchpointPage.Read(int.Parse(parameters["page"]), int.Parse(parameters["pageSize"]), parameters.GetValueOrDefault("order"));
        var knownAt = parameters.TryGetValue("knownAt", out var known) ? DateTimeOffset.Parse(known) : (DateTimeOffset?)null;
        var ofTheTime = parameters.ContainsKey("formula");
        var window = await PlacedHistory.ReadAsync(session, LateBlockHost.Account, await CheckpointedLedger.MarksAsync(session, LateBlockHost.Account, default),
            knownAt, ofTheTime, asked!, default);
        window.ShouldNotBeNull(query);
        if (ofTheTime) window.RecordedInOrder.ShouldBeTrue(query);
        // ...and the same bytes as the page sorted from the whole stream.
        text.ShouldBe(await WholeStreamValue.HistoryAsync(account.Host, LateBlockHost.Account, query), query);
    }

    private async Task<string> ReadText(string query)
    {
        var result = await account.Host.Scenario(s => s.Get.Url($"/api/customers/{LateBlockHost.Account}/value-history?{query}"));
        return await result.ReadAsTextAsync();
    }
}
