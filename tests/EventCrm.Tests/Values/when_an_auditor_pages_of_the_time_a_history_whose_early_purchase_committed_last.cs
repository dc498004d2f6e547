using System.Text.Json.Nodes;
using EventCrm.Host.Customers;
using EventCrm.Host.Values;
using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Value;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Values;

/// <summary>
/// A schema of its own: an account of 3,001 events (day d is 2012-01-01 08:00 UTC plus d days), posted in four parts: (1) the signup
/// on day 0 and purchases of 10 (margin 3) on days 1-999 [events 1-1,000]; (2) a churn back-dated to day 500+4h [1,001], a purchase
/// of 1,000 (margin 400) on day 1,000 [1,002] and purchases of 10 on days 1,001-1,998 [1,003-2,000]; (3) days 1,999-2,998
/// [2,001-3,000]; (4) day 2,999 [3,001]. The purchase of day 1,000 then commits after all the others, as a write racing for the
/// stream can (its recording time one minute after the last one), before a read writes the checkpoints of events 1,000 to 3,000.
/// </summary>
public sealed class EarlyPurchaseCommittedLastHost() : SchemaHost("eventcrm_early_purchase_committed_last")
{
    public const string Account = "b2b-early-purchase-committed-last";
    public static readonly DateTimeOffset Start = new(2012, 1, 1, 8, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset Day(double day) => Start.AddDays(day);

    protected override async Task SeedAsync()
    {
        await Post([SignUp(Account, Start), .. Days(1, 999)]);
        await Post([Churn(Account, Day(500).AddHours(4)), Purchase(Account, Day(1_000), amount: 1_000m, margin: 400m), .. Days(1_001, 1_998)]);
        await Post([.. Days(1_999, 2_998)]);
        await Post([.. Days(2_999, 2_999)]);
        await using (var connection = new NpgsqlConnection(EventCrm.Tests.DataTools.DataCommandLine.ConnectionString()))
        {
            await connection.OpenAsync();
            await using var late = new NpgsqlCommand(
                $"update {Schema}.mt_events set timestamp = (select max(timestamp) from {Schema}.mt_events where stream_id = @id) + interval '1 minute' " +
                "where stream_id = @id and version = 1002", connection);
            late.Parameters.AddWithValue("id", Account);
            (await late.ExecuteNonQueryAsync()).ShouldBe(1);
        }
        await Host.GetJson($"/api/customers/{Account}/value?asOf={Day(1):yyyy-MM-dd}");   // writes the checkpoints it lacks
    }

    private Task Post(Dictionary<string, object?>[] touchpoints) => Host.PostTouchpoints(touchpoints);

    private static IEnumerable<Dictionary<string, object?>> Days(int first, int last) =>
        Enumerable.Range(first, last - first + 1).Select(d => Purchase(Account, Day(d), amount: 10m, margin: 3m));
}

/// <summary>
/// An auditor asks what the service showed, when they were recorded, for the newest days of an account whose purchase of day 1,000
/// committed after them: they were shown without it. As known when day 2,999 was recorded, no checkpoint holds the first points of
/// the timeline (those of events 2,000 and 3,000 hold that purchase, not recorded yet; the one of event 1,000 is followed by the churn
/// dated day 500), so its point would be read from nothing up to event 3,001: more than 3,000 events. It is read instead from every
/// touchpoint's place (<see cref="ShownWhenRecorded"/>'s far path, <see cref="PlacedHistory"/>): from the checkpoint of event 1,000,
/// the churn back-dated before its latest purchase placed from the state-changing touchpoints up to it
/// (<see cref="EventCrm.Projections.Values.FoldedStateMarks"/>), then days 1,001-2,999. The page is what the whole stream's sort
/// shows, to the byte, and its points are worked out here from the days they count.
/// </summary>
public class when_an_auditor_pages_of_the_time_a_history_whose_early_purchase_committed_last(EarlyPurchaseCommittedLastHost account)
    : IClassFixture<EarlyPurchaseCommittedLastHost>
{
    private const string Account = EarlyPurchaseCommittedLastHost.Account;
    private const string Query = "formula=of-the-time&pageSize=20&page=1&order=newest";

    private static DateTimeOffset Day(double day) => EarlyPurchaseCommittedLastHost.Day(day);

    [Fact]
    public async Task the_newest_days_are_shown_without_the_purchase_of_day_1000_read_from_the_places()
    {
        var result = await account.Host.Scenario(s => s.Get.Url($"/api/customers/{Account}/value-history?{Query}"));
        var text = await result.ReadAsTextAsync();
        var page = JsonNode.Parse(text)!;

        // In business order: the signup [point 0], days 1-500 [1-500], the churn of 500+4h [501], days 501-2,999 [502-3,000]: 3,001
        // points. Newest first, points 3,000 down to 2,981: days 2,999 down to 2,980, each recorded before the purchase of day 1,000
        // and shown without it: the d - 1 purchases of 10 of days 1..d but 1,000, revenue 10 x (d - 1), profit 3 x (d - 1) - 120
        // (the signup's acquisition cost); won back from the churn by day 501, active, so with a current value.
        int[] days = [.. Enumerable.Range(2_980, 20).Reverse()];
        page["total"]!.GetValue<int>().ShouldBe(3_001);
        var points = page["points"]!.AsArray();
        points.Select(p => p!["occurredAt"]!.GetValue<DateTimeOffset>()).ShouldBe(days.Select(d => Day(d)));
        points.Select(p => (p!["revenue"]!.GetValue<decimal>(), p["profit"]!.GetValue<decimal>()))
            .ShouldBe(days.Select(d => (10m * (d - 1), 3m * (d - 1) - 120m)));
        points.ShouldAllBe(p => p!["current"]!.GetValue<decimal>() > 0m);

        // Read from the checkpoints, every point with what was shown then (else the whole stream is sorted)...
        await using var session = account.Store.QuerySession();
        var (asked, _) = TouchpointPage.Read(1, 20, "newest");
        var window = await BackDatedHistory.ReadAsync(session, Account, await CheckpointedLedger.MarksAsync(session, Account, default), null,
            ofTheTime: true, asked!, default);
        window.ShouldNotBeNull();
        window.RecordedInOrder.ShouldBeTrue();
        // ...and the same bytes as the page sorted from the whole stream.
        text.ShouldBe(await WholeStreamValue.HistoryAsync(account.Host, Account, Query));
    }

    [Fact]
    public async Task the_point_recorded_last_is_read_from_every_place_and_the_checkpoint_before_the_churn_back_dated()
    {
        await using var session = account.Store.QuerySession();
        var marks = await CheckpointedLedger.MarksAsync(session, Account, default);
        var (_, tail) = await CustomerStream.ReadAsync(session, Account, withProfile: false, default, afterVersion: 3_000);
        var (_, page) = await CustomerStream.ReadAsync(session, Account, withProfile: false, default, versions: [.. Enumerable.Range(2_982, 20).Select(v => (long)v)]);

        // The checkpoints of events 2,000 and 3,000 count the purchase of day 1,000, recorded after every point of the page; the stretch
        // after the one of event 1,000 (dated up to day 999) holds the churn of day 500+4h: none holds the first points known then.
        marks.Select(m => m.Version).ShouldBe([1_000L, 2_000, 3_000]);
        tail.Select(t => t.Version).ShouldBe([3_001L]);
        marks.Skip(1).ShouldAllBe(m => m.RecordedUpTo > tail[0].RecordedAt);
        marks[1].SegmentEarliestOccurredAt.ShouldBe(Day(500).AddHours(4));
        // So each point is read from nothing up to the last event known when it was recorded: 3,001 events for day 2,999 (the event
        // after the last checkpoint), far apart (more than 3 x 1,000 and 3,001 / 8); 3,000 for days 2,980-2,998 (recorded with the
        // checkpoint of event 3,000), not.
        PlacedHistory.AreFarApart(3_001, 3_001).ShouldBeTrue();
        PlacedHistory.AreFarApart(3_000, 3_001).ShouldBeFalse();

        var shown = await ShownWhenRecorded.LedgersAsync(session, Account, marks, tail, page, default);

        shown.ShouldNotBeNull("read from the places and the checkpoints, not left to the whole stream's sort");
        // Day 2,999 [event 3,001], from the places: the checkpoint of event 1,000 (a stored ledger) moved on by the churn, placed from
        // the marks before it (churned on day 500+4h, won back by day 501), and days 1,001-2,999: 999 + 1,999 = 2,998 purchases.
        var farthest = shown[3_001];
        farthest.ShouldBeOfType<CustomerLedger>();
        farthest.PurchaseCount().ShouldBe(2_998);
        farthest.StateChanges().ShouldBe([
            new StateChange(Day(0), CustomerStates.Active), new StateChange(Day(500).AddHours(4), CustomerStates.Churned),
            new StateChange(Day(501), CustomerStates.Active),
        ]);
        // Days 2,980-2,998 [events 2,982-3,000], folded from nothing (a folded ledger): day d counts d - 1 purchases.
        foreach (var version in Enumerable.Range(2_982, 19))
        {
            shown[version].ShouldBeOfType<FoldedLedger>();
            shown[version].PurchaseCount().ShouldBe(version - 3);
        }
    }
}
