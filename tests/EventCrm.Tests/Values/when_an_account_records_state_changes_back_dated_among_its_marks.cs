using System.Text.Json.Nodes;
using Alba;
using EventCrm.Host.Customers;
using EventCrm.Host.Values;
using EventCrm.Projections.Values;
using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using EventCrm.Tests.Support;
using Marten;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Values;

/// <summary>
/// A schema of its own whose daemon folds four events a page. One account (places among the touchpoints in brackets; day d is
/// 2016-01-01 08:00 UTC plus d days, "+4h" four hours later): the signup on day 0 [0], purchases of 10 on days 1-300 [1-300]
/// and 401-2,000 [301-1,900]; then, recorded late: churns on day 100+4h [1,901], a cancellation request on 200+4h [1,902],
/// churns on 250+4h [1,903] and 350+4h [1,904], a purchase on 360+2h [1,905] (winning the client back in the gap of purchases),
/// a churn on 1,000+4h [1,906] and a purchase on 1,000+6h [1,907]; then, as an old CRM's history lands in the stream, a request
/// on 1,500+4h [1,908], an offer [1,909] accepted on 1,501+4h [1,910], a request on 1,600+4h [1,911], an offer [1,912] declined on
/// 1,601+4h [1,913]; then purchases on days 2,001-2,100 [1,914-2,013]; a read writes the checkpoints of events 1,000 and 2,000;
/// then, recorded late again: a churn on 1,800+4h [2,014], a request on 2,050+4h [2,015] withdrawn on 2,050+5h [2,016], a purchase
/// on 1,800+6h [2,017], a churn on 2,099+4h [2,018] and one on 1,200+4h [2,019]. The daemon catches up after each batch.
/// </summary>
public sealed class BackDatedStateChangesHost() : SchemaHost("eventcrm_value_back_dated_state_changes",
    ("Marten:DaemonPageSize", "4"), ("Marten:DaemonCatchUpPageSize", "4"))
{
    public const string Customer = "b2b-back-dated-state-changes";
    public static readonly DateTimeOffset Start = new(2016, 1, 1, 8, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset Day(double day) => Start.AddDays(day);

    protected override async Task SeedAsync()
    {
        await Post([SignUp(Customer, Start), .. Days(1, 300), .. Days(401, 2_000)]);
        await Post([
            Churn(Customer, Day(100).AddHours(4)), CancellationRequest(Customer, Day(200).AddHours(4)), Churn(Customer, Day(250).AddHours(4)),
            Churn(Customer, Day(350).AddHours(4)), Purchase(Customer, Day(360).AddHours(2), 10m, 3m), Churn(Customer, Day(1_000).AddHours(4)),
            Purchase(Customer, Day(1_000).AddHours(6), 10m, 3m),
        ]);
        // Answers to the desk's offers are dated by its clock: a CRM's history of them is appended as it was.
        await Answered(1_500, accepted: true);
        await Answered(1_600, accepted: false);
        await Post([.. Days(2_001, 2_100)]);
        await Host.GetJson($"/api/customers/{Customer}/value?asOf={Day(1):yyyy-MM-dd}");   // writes the checkpoints it lacks
        var request = CancellationRequest(Customer, Day(2_050).AddHours(4));
        await Post([
            Churn(Customer, Day(1_800).AddHours(4)), request,
            Of("cancellation-withdrawn", Customer, Day(2_050).AddHours(5), new { cancellationTouchpointId = request["touchpointId"] }),
            Purchase(Customer, Day(1_800).AddHours(6), 10m, 3m), Churn(Customer, Day(2_099).AddHours(4)), Churn(Customer, Day(1_200).AddHours(4)),
        ]);
    }

    private static IEnumerable<Dictionary<string, object?>> Days(int first, int last) =>
        Enumerable.Range(first, last - first + 1).Select(d => Purchase(Customer, Day(d), amount: 10m, margin: 3m));

    /// <summary>A request on <paramref name="day"/>+4h, an offer an hour later, answered the next day +4h.</summary>
    private async Task Answered(int day, bool accepted)
    {
        var (request, offer) = ($"request-{day}", $"offer-{day}");
        await using var session = Store.LightweightSession();
        session.Events.Append(Customer,
            new CancellationRequested(request, Day(day).AddHours(4), "too expensive"),
            new RetentionOfferMade($"made-{day}", Day(day).AddHours(5), request, offer, 100m, 100m, Day(day + 7), "test", new Dictionary<string, decimal>()),
            accepted ? new RetentionOfferAccepted($"answer-{day}", Day(day + 1).AddHours(4), offer) : new RetentionOfferDeclined($"answer-{day}", Day(day + 1).AddHours(4), offer));
        await session.SaveChangesAsync();
        await Store.CatchUp();
    }

    private async Task Post(Dictionary<string, object?>[] touchpoints)
    {
        foreach (var batch in touchpoints.Chunk(1_000)) await Host.PostTouchpoints(batch);
        await Store.CatchUp(TimeSpan.FromMinutes(3));
    }
}

/// <summary>
/// State changes recorded with business times before the latest state-changing touchpoint (churns, cancellation requests and
/// their withdrawal, answered offers, purchases winning back a churned client), several to a daemon page and across pages,
/// before and after the value checkpoints were written: the ledger the daemon keeps places them from the stream's
/// state-changing touchpoints it keeps between pages (<see cref="StreamStateMarks"/>), a value as of a past date from those
/// counted before them (<see cref="FoldedStateMarks"/>: of those up to its checkpoint, only the stream after the last
/// checkpoint dated no later is read), neither folding the stream whole (docs/performance.md). Both give what the whole
/// stream's fold gives, to the byte, and the states counted here by hand.
/// </summary>
public class when_an_account_records_state_changes_back_dated_among_its_marks(BackDatedStateChangesHost account)
    : IClassFixture<BackDatedStateChangesHost>
{
    private const string Customer = BackDatedStateChangesHost.Customer;

    private static DateTimeOffset Day(double day) => BackDatedStateChangesHost.Day(day);

    [Fact]
    public async Task the_ledger_the_daemon_keeps_is_the_whole_streams_fold()
    {
        await using var session = account.Store.QuerySession();
        var kept = await session.LoadAsync<CustomerLedger>(Customer);
        var events = await session.Events.FetchStreamAsync(Customer);

        kept.ShouldNotBeNull();
        events.Count.ShouldBe(2_020);
        var wholeStream = FoldedLedger.Of(Customer, events.Select(e => e.Data).OfType<ITouchpoint>()).AsStored() with { FoldedUpTo = events.Count };
        var serializer = account.Store.Options.Serializer();
        serializer.ToJson(kept).ShouldBe(serializer.ToJson(wholeStream));
    }

    [Fact]
    public async Task the_daemons_states_are_those_of_the_touchpoints_in_business_order()
    {
        await using var session = account.Store.QuerySession();
        var kept = (await session.LoadAsync<CustomerLedger>(Customer)).ShouldNotBeNull();

        // In business order: the signup; the churn of day 100 until the purchase of day 101; the request of day 200 (purchases
        // leave it so) until the churn of day 250, won back by day 251; the churn of day 350 won back by the back-dated purchase of
        // 360+2h (not day 401); the churn of 1,000+4h won back by 1,000+6h; the churn of 1,200+4h won back by day 1,201
        // [301 + 1,201 - 401 = 1,101]; the request of 1,500, the offer accepted on 1,501; the
        // request of 1,600, the offer declined on 1,601, won back by day 1,602 [301 + 1,602 - 401]; the churn of 1,800+4h won back
        // by 1,800+6h; the request of 2,050 withdrawn an hour later; the churn of 2,099 won back by day 2,100 [1,914 + 99].
        kept.StateChanges().ShouldBe([
            new(Day(0), CustomerStates.Active), new(Day(100).AddHours(4), CustomerStates.Churned), new(Day(101), CustomerStates.Active),
            new(Day(200).AddHours(4), CustomerStates.CancellationRequested), new(Day(250).AddHours(4), CustomerStates.Churned),
            new(Day(251), CustomerStates.Active), new(Day(350).AddHours(4), CustomerStates.Churned), new(Day(360).AddHours(2), CustomerStates.Active),
            new(Day(1_000).AddHours(4), CustomerStates.Churned), new(Day(1_000).AddHours(6), CustomerStates.Active),
            new(Day(1_200).AddHours(4), CustomerStates.Churned), new(Day(1_201), CustomerStates.Active),
            new(Day(1_500).AddHours(4), CustomerStates.CancellationRequested), new(Day(1_501).AddHours(4), CustomerStates.Retained),
            new(Day(1_600).AddHours(4), CustomerStates.CancellationRequested), new(Day(1_601).AddHours(4), CustomerStates.Churned),
            new(Day(1_602), CustomerStates.Active), new(Day(1_800).AddHours(4), CustomerStates.Churned), new(Day(1_800).AddHours(6), CustomerStates.Active),
            new(Day(2_050).AddHours(4), CustomerStates.CancellationRequested), new(Day(2_050).AddHours(5), CustomerStates.Active),
            new(Day(2_099).AddHours(4), CustomerStates.Churned), new(Day(2_100), CustomerStates.Active),
        ]);
        kept.Summary.ChangeOrders.ShouldBe([
            0L, 1_901, 101, 1_902, 1_903, 251, 1_904, 1_905, 1_906, 1_907, 2_019, 1_101, 1_908, 1_910, 1_911, 1_913, 1_502, 2_014, 2_017, 2_015, 2_016, 2_018, 2_013,
        ]);
        kept.Summary.LatestMarkAt.ShouldBe(Day(2_100));
    }

    [Fact]
    public async Task one_more_back_dated_churn_moves_the_stored_summary_on_without_folding_the_stream()
    {
        await using var session = account.Store.QuerySession();
        var stored = (await session.LoadAsync<CustomerLedger>(Customer)).ShouldNotBeNull();
        var churn = new CustomerChurned("churn-500", Day(500).AddHours(4), "moved");
        var events = await session.Events.FetchStreamAsync(Customer);

        // As the daemon meets event 2,021 (never appended): the stream's marks up to 2,020 read, types and times alone.
        var moved = await new CustomerLedgerProjection().EvolveAsync(stored, Customer, session, new JasperFx.Events.Event<CustomerChurned>(churn) { Version = 2_021 }, default);

        // A folded ledger is what the whole stream's fold gives: the summary moved on from the kept marks stays a stored one.
        moved.ShouldBeOfType<CustomerLedger>();
        // The churn of day 500+4h [2,020] is won back by the purchase of day 501 [301 + 501 - 401 = 401], between the changes of day 360 and day 1,000.
        moved.StateChanges().Skip(7).Take(4).ShouldBe([
            new(Day(360).AddHours(2), CustomerStates.Active), new(Day(500).AddHours(4), CustomerStates.Churned), new(Day(501), CustomerStates.Active),
            new(Day(1_000).AddHours(4), CustomerStates.Churned),
        ]);
        var wholeStream = FoldedLedger.Of(Customer, [.. events.Select(e => e.Data).OfType<ITouchpoint>(), churn]).AsStored() with { FoldedUpTo = 2_021 };
        var serializer = account.Store.Options.Serializer();
        serializer.ToJson(moved).ShouldBe(serializer.ToJson(wholeStream));
    }

    [Theory]
    // From the checkpoint of event 2,000 (its touchpoints dated up to day 2,086): the marks of events 1,001-2,000 dated after the churn of
    // day 1,800 read for it, then those dated from the churn of day 1,200 up to it.
    [InlineData(2_100, CustomerStates.Active)]
    [InlineData(2_099, CustomerStates.Churned)]
    // From the checkpoint of event 1,000 (dated up to day 1,099), the block of events 1,901-1,913 counted after it.
    [InlineData(2_050, CustomerStates.Active)]
    [InlineData(1_800, CustomerStates.Active)]
    [InlineData(1_601, CustomerStates.Churned)]
    [InlineData(1_501, CustomerStates.Retained)]
    [InlineData(1_500, CustomerStates.CancellationRequested)]
    // From no checkpoint: a ledger folded with its lines.
    [InlineData(1_000, CustomerStates.Active)]
    [InlineData(360, CustomerStates.Active)]
    [InlineData(359, CustomerStates.Churned)]
    public async Task a_value_as_of_a_past_date_places_them_from_the_marks_counted_before_them(int asOfDay, string state)
    {
        var asOf = new DateTimeOffset(DateOnly.FromDateTime(Day(asOfDay).UtcDateTime).ToDateTime(TimeOnly.MaxValue), TimeSpan.Zero);   // as the route reads a date
        await using var session = account.Store.QuerySession();

        var ledger = await CheckpointedLedger.ReadAsync(session, Customer, asOf, null, default);

        ledger.ShouldNotBeNull("placed from the checkpoint and the marks, not left to the whole stream's fold");
        ledger.State().ShouldBe(state);
        var events = await session.Events.FetchStreamAsync(Customer);
        var counted = FoldedLedger.Of(Customer, events.Select(e => e.Data).OfType<ITouchpoint>().Where(t => t.OccurredAt <= asOf));
        var serializer = account.Store.Options.Serializer();
        (ledger.Touchpoints, serializer.ToJson(ledger.Summary)).ShouldBe((counted.Touchpoints, serializer.ToJson(counted.Summary)));
    }

    [Theory]
    [InlineData(2_100, null)]
    [InlineData(2_099, "simple-clv@0")]
    [InlineData(2_099, "retention-ltv@0")]
    [InlineData(1_800, "waland-cole@0")]
    [InlineData(1_601, "retention-ltv@0")]
    [InlineData(1_501, null)]
    public async Task the_value_read_answers_what_the_whole_stream_answers(int asOfDay, string? formula)
    {
        var query = $"asOf={Day(asOfDay):yyyy-MM-dd}" + (formula is null ? "" : $"&formula={formula}");

        var result = await account.Host.Scenario(s => s.Get.Url($"/api/customers/{Customer}/value?{query}"));

        (await result.ReadAsTextAsync()).ShouldBe(await WholeStreamValue.AnswerAsync(account.Host, Customer, formula, $"{Day(asOfDay):yyyy-MM-dd}"), query);
    }

    [Fact]
    public async Task its_newest_value_history_page_counts_the_churn_of_day_2099_and_its_win_back()
    {
        const string query = "pageSize=20&page=1&order=newest";
        var page = JsonNode.Parse(await ReadHistory(query))!;

        // 2,020 events: the signup, 7 churns, 4 requests, 1 withdrawal, 2 offers and 2 answers (17 + 1 not purchases), 2,003 purchases.
        // Newest first: day 2,100, the churn of 2,099+4h, days 2,099 down to 2,082. Up to day d (after 2,000) the purchases of days
        // 1-300, 401-2,000 and 360+2h, 1,000+6h, 1,800+6h (300 + 1,600 + 3) and 2,001-d: d - 97, 10 each.
        page["total"]!.GetValue<int>().ShouldBe(2_020);
        var points = page["points"]!.AsArray();
        points.Select(p => p!["occurredAt"]!.GetValue<DateTimeOffset>())
            .ShouldBe([Day(2_100), Day(2_099).AddHours(4), .. Enumerable.Range(2_082, 18).Reverse().Select(d => Day(d))]);
        points.Select(p => p!["revenue"]!.GetValue<decimal>())
            .ShouldBe([10m * (2_100 - 97), 10m * (2_099 - 97), .. Enumerable.Range(2_082, 18).Reverse().Select(d => 10m * (d - 97))]);
        // Churned: no current value; won back by day 2,100, and active before the churn.
        points.Select(p => p!["current"]!.GetValue<decimal>() == 0m).ShouldBe([false, true, .. Enumerable.Repeat(false, 18)]);
    }

    /// <summary>
    /// Pages as known now and of the time. These are read from the places of the touchpoints after the last checkpoint holding the
    /// first points of the timeline, recorded in business order onto it (<see cref="BackDatedHistory"/>, <see cref="ShownWhenRecorded"/>):
    /// none is dated before that checkpoint's latest, so a summary places each by itself. A correctness guard: they pass with the
    /// marks or without them; far from the page, <c>when_an_auditor_pages_a_history_holding_state_changes_recorded_years_late</c> needs them.
    /// </summary>
    [Theory]
    [InlineData("pageSize=20&page=1&order=newest")]
    [InlineData("pageSize=50&page=37")]
    [InlineData("pageSize=100&page=20")]
    [InlineData("formula=of-the-time&pageSize=50&page=1&order=newest")]
    [InlineData("formula=of-the-time&pageSize=100&page=11")]
    [InlineData("formula=of-the-time&pageSize=100&page=19")]
    public async Task its_value_history_pages_are_the_whole_streams_sort_read_without_it(string query)
    {
        var text = await ReadHistory(query);

        await using var session = account.Store.QuerySession();
        var parameters = query.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        var (asked, _) = TouchpointPage.Read(int.Parse(parameters["page"]), int.Parse(parameters["pageSize"]), parameters.GetValueOrDefault("order"));
        var ofTheTime = parameters.ContainsKey("formula");
        var window = await BackDatedHistory.ReadAsync(session, Customer, await CheckpointedLedger.MarksAsync(session, Customer, default), null, ofTheTime, asked!, default);
        window.ShouldNotBeNull(query);
        if (ofTheTime) window.RecordedInOrder.ShouldBeTrue(query);
        text.ShouldBe(await WholeStreamValue.HistoryAsync(account.Host, Customer, query), query);
    }

    private async Task<string> ReadHistory(string query) =>
        await (await account.Host.Scenario(s => s.Get.Url($"/api/customers/{Customer}/value-history?{query}"))).ReadAsTextAsync();
}
