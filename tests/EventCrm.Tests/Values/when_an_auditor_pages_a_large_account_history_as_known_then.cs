using System.Text.Json.Nodes;
using EventCrm.Host.Customers;
using EventCrm.Host.Values;
using Shouldly;

namespace EventCrm.Tests.Values;

/// <summary>
/// An auditor pages through the value history of a large account as it was known after each import, and as the
/// service showed it then (<c>formula=of-the-time</c>). Each page is what domain.md gives, worked out here point
/// by point, is read from the value checkpoints when the touchpoints counted are the first ones of the stream in
/// business order, and is, to the byte, the page sorted from the whole stream; when a write committed late
/// breaks that order, the page is sorted from the whole stream.
/// </summary>
public class when_an_auditor_pages_a_large_account_history_as_known_then(LargeHistoryHost history) : IClassFixture<LargeHistoryHost>
{
    private sealed record Ask(string? Formula, DateTimeOffset? KnownAt, int Page, int PageSize, string Order = "oldest")
    {
        public string Query => $"page={Page}&pageSize={PageSize}&order={Order}" + (Formula is null ? "" : $"&formula={Formula}") +
                               (KnownAt is { } k ? $"&knownAt={LargeAccountHost.Moment(k)}" : "");
    }

    [Fact]
    public async Task a_page_as_known_after_an_import_holds_the_touchpoints_recorded_by_then_valued_under_the_formula_then_in_force()
    {
        // After the first import: the signup and purchases 1-600, known before the first checkpoint (event 1,000) was reached.
        var first = history.ImportRecorded[0];
        await ShouldBeThePoints(new(null, first, 6, 100), total: 601, FromTo(500, 599), _ => history.First);
        await ShouldBeThePoints(new(null, first, 1, 50, "newest"), total: 601, FromTo(551, 600), _ => history.First);
        // After the second: 2,451 points, the last import ending halfway between the checkpoints of events 2,000 and 3,000.
        var second = history.ImportRecorded[1];
        await ShouldBeThePoints(new(null, second, 34, 30), total: 2_451, FromTo(990, 1_019), _ => history.First);      // across event 1,000
        await ShouldBeThePoints(new(null, second, 1, 500, "newest"), total: 2_451, FromTo(1_951, 2_450), _ => history.First); // across 2,000
        await ShouldBeThePoints(new(null, second, 25, 100), total: 2_451, FromTo(2_400, 2_450), _ => history.First);   // the last, short page
        await ShouldBeThePoints(new(history.Second, second, 1, 50, "newest"), total: 2_451, FromTo(2_401, 2_450), _ => history.Second);
    }

    [Fact]
    public async Task of_the_time_each_point_is_valued_under_the_formula_in_force_when_it_was_recorded_the_second_from_the_third_import()
    {
        string InForce(int k) => k <= 2_450 ? history.First : history.Second;
        await ShouldBeThePoints(new("of-the-time", null, 82, 30), total: 3_501, FromTo(2_430, 2_459), InForce);        // the change of formula
        await ShouldBeThePoints(new("of-the-time", null, 67, 30), total: 3_501, FromTo(1_980, 2_009), InForce);        // across event 2,000
        await ShouldBeThePoints(new("of-the-time", null, 1, 50, "newest"), total: 3_501, FromTo(3_451, 3_500), InForce);
        await ShouldBeThePoints(new("of-the-time", history.ImportRecorded[2], 3, 1_000), total: 3_501, FromTo(2_000, 2_999), InForce);
        await ShouldBeThePoints(new("of-the-time", history.ImportRecorded[1], 1, 60, "newest"), total: 2_451, FromTo(2_391, 2_450), InForce);
    }

    [Fact]
    public async Task a_page_of_an_account_with_purchases_recorded_back_dated_starts_from_a_checkpoint_whose_touchpoints_come_first_in_its_timeline()
    {
        const string customer = LargeHistoryHost.BackDated;
        string InForce(int _) => history.Second;
        // Days 1,080-1,109, the back-dated ones among them: from the checkpoint of event 1,000, not up to that of 2,000 (days 1,101-2,099).
        await ShouldBeThePoints(new(null, null, 37, 30), total: 3_001, FromTo(1_080, 1_109), InForce, customer);
        await ShouldBeThePoints(new(null, null, 1, 50, "newest"), total: 3_001, FromTo(2_951, 3_000), InForce, customer);   // from event 3,000
        await ShouldBeThePoints(new(null, null, 41, 50), total: 3_001, FromTo(2_000, 2_049), InForce, customer);             // from 1,000, not 2,000
        await ShouldBeThePoints(new(null, null, 34, 30), total: 3_001, FromTo(990, 1_019), InForce, customer);               // from the first event
        await ShouldBeThePoints(new(history.First, null, 100, 30), total: 3_001, FromTo(2_970, 2_999), _ => history.First, customer);
    }

    [Fact]
    public async Task a_page_known_after_the_back_dated_purchases_or_shown_at_the_time_also_starts_from_a_checkpoint_whose_touchpoints_come_first_then()
    {
        const string customer = LargeHistoryHost.BackDated;
        string InForce(int _) => history.Second;
        // Known after the third post: days 1-2,999, every one, the back-dated ones among them.
        var third = history.BackDatedRecorded[2];
        await ShouldBeThePoints(new(null, third, 37, 30), total: 3_000, FromTo(1_080, 1_109), InForce, customer);
        await ShouldBeThePoints(new(null, third, 1, 50, "newest"), total: 3_000, FromTo(2_950, 2_999), InForce, customer);
        await ShouldBeThePoints(new(history.First, third, 34, 30), total: 3_000, FromTo(990, 1_019), _ => history.First, customer);
        // Of the time: days 1,101-2,099 were recorded before days 1,001-1,100, and were shown without them; the others with every day before them.
        static IEnumerable<int> Shown(int k) => Enumerable.Range(1, k).Where(d => k is < 1_101 or > 2_099 || d is <= 1_000 or > 1_100);
        await ShouldBeThePoints(new("of-the-time", null, 50, 30), total: 3_001, FromTo(1_470, 1_499), InForce, customer, Shown);
        await ShouldBeThePoints(new("of-the-time", null, 70, 30), total: 3_001, FromTo(2_070, 2_099), InForce, customer, Shown);
        await ShouldBeThePoints(new("of-the-time", null, 36, 30), total: 3_001, FromTo(1_050, 1_079), InForce, customer, Shown);
        await ShouldBeThePoints(new("of-the-time", third, 1, 50, "newest"), total: 3_000, FromTo(2_950, 2_999), InForce, customer, Shown);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task a_purchase_committed_after_the_ones_that_follow_it_is_left_out_as_known_before_it_and_of_the_time_of_those(int account)
    {
        var (customer, purchases, late) = LargeHistoryHost.Late[account];
        var beforeTheLateWrite = history.BeforeTheLateWrite[customer];
        // Known before the late write: the signup and every purchase of 10 but the late one.
        var before = await Read(customer, new(null, beforeTheLateWrite, 1, 1, "newest"));
        (before["total"]!.GetValue<int>(), Revenue(before, 0)).ShouldBe((purchases, (purchases - 1) * 10m));
        // Known now: with its 1,000.
        var now = await Read(customer, new(null, null, 1, 1, "newest"));
        (now["total"]!.GetValue<int>(), Revenue(now, 0)).ShouldBe((purchases + 1, (purchases - 1) * 10m + 1_000m));

        // Of the time: the late purchase itself shows what was known when it was recorded, everything before it;
        // the purchase after it and those after that, recorded before it, were shown without it.
        var itself = await Read(customer, new("of-the-time", null, late + 1, 1));
        var next = await Read(customer, new("of-the-time", null, late + 2, 1));
        var newest = await Read(customer, new("of-the-time", null, 1, 50, "newest"));
        (Revenue(itself, 0), Revenue(next, 0), Revenue(newest, 0)).ShouldBe(((late - 1) * 10m + 1_000m, late * 10m, (purchases - 1) * 10m));

        // Neither the page known before the late write nor what was shown after it can be read from the checkpoints.
        await using var session = history.Store.QuerySession();
        (await CheckpointedHistory.ReadAsync(session, customer, await CheckpointedLedger.MarksAsync(session, customer, default), beforeTheLateWrite, new TouchpointPage(1, 1, true), default)).ShouldBeNull();
        (await CheckpointedHistory.ReadAsync(session, customer, await CheckpointedLedger.MarksAsync(session, customer, default), null, new TouchpointPage(1, 50, true), default))!.RecordedInOrder.ShouldBeFalse();
    }

    private static int[] FromTo(int first, int last) => [.. Enumerable.Range(first, last - first + 1)];

    /// <summary>
    /// Point k (0: the signup) of the account is valued as of day k with the signup (acquisition cost 120) and purchases 1..k:
    /// revenue the sum of 10 + d mod 3, profit 3k - 120, current the formula's constant (2,000 or 300).
    /// </summary>
    /// <param name="daysCounted">The purchase days point k counts (of the time: those shown when it was recorded); days 1 to k unless said.</param>
    private async Task ShouldBeThePoints(Ask ask, int total, int[] ks, Func<int, string> formulaOf, string customer = LargeHistoryHost.Account,
        Func<int, IEnumerable<int>>? daysCounted = null)
    {
        var page = await Read(customer, ask);
        page["total"]!.GetValue<int>().ShouldBe(total, ask.Query);
        var points = page["points"]!.AsArray();
        var inPageOrder = ask.Order == "newest" ? Enumerable.Reverse(ks).ToArray() : ks;
        points.Select(p => p!["occurredAt"]!.GetValue<DateTimeOffset>()).ShouldBe(inPageOrder.Select(k => LargeHistoryHost.Start.AddDays(k)), ask.Query);
        foreach (var (point, k) in points.Zip(inPageOrder))
        {
            var days = (daysCounted ?? (n => Enumerable.Range(1, n)))(k).ToList();
            var formula = formulaOf(k);
            var current = formula == history.First ? 2_000m : 300m;
            (point!["revenue"]!.GetValue<decimal>(), point["profit"]!.GetValue<decimal>(), point["formula"]!.GetValue<string>(), point["current"]!.GetValue<decimal>())
                .ShouldBe((days.Sum(LargeHistoryHost.Amount), 3m * days.Count - 120m, formula, current), $"{ask.Query}, point {k}");
        }

        // Read from the checkpoints (of the time: with every point recorded after the touchpoints before it)...
        await using var session = history.Store.QuerySession();
        var asked = new TouchpointPage(ask.Page, ask.PageSize, ask.Order == "newest");
        var marks = await CheckpointedLedger.MarksAsync(session, customer, default);
        if (customer == LargeHistoryHost.BackDated)
        {
            var window = await BackDatedHistory.ReadAsync(session, customer, marks, ask.KnownAt, ask.Formula == "of-the-time", asked, default);
            window.ShouldNotBeNull(ask.Query);
            if (ask.Formula == "of-the-time") window.RecordedInOrder.ShouldBeTrue(ask.Query);   // every point with what was shown then
        }
        else
        {
            var window = await CheckpointedHistory.ReadAsync(session, customer, marks, ask.KnownAt, asked, default);
            window.ShouldNotBeNull(ask.Query);
            window.RecordedInOrder.ShouldBeTrue(ask.Query);
        }
        // ...and the same bytes as the page sorted from the whole stream.
        (await ReadText(customer, ask)).ShouldBe(await WholeStreamValue.HistoryAsync(history.Host, customer, ask.Formula,
            ask.KnownAt is { } known ? LargeAccountHost.Moment(known) : null, ask.Page, ask.PageSize, ask.Order), ask.Query);
    }

    private static decimal Revenue(JsonNode page, int index) => page["points"]![index]!["revenue"]!.GetValue<decimal>();

    private async Task<JsonNode> Read(string customer, Ask ask) => JsonNode.Parse(await ReadText(customer, ask))!;

    private async Task<string> ReadText(string customer, Ask ask)
    {
        var result = await history.Host.Scenario(s => s.Get.Url($"/api/customers/{customer}/value-history?{ask.Query}"));
        return await result.ReadAsTextAsync();
    }
}
