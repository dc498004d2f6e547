using System.Text.Json.Nodes;
using Alba;
using EventCrm.Host.Customers;
using EventCrm.Projections.Values;
using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using EventCrm.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;

namespace EventCrm.Tests.Values;

/// <summary>
/// A schema of its own whose daemon stops once it has folded four accounts' first ten events. Each (day d is 1 January 2025
/// 09:00 UTC plus d days): signed up on day 0 (acquisition 120), order o-d of 100 (margin 30) on days 1-5 and 7-10, nothing on
/// day 6; <see cref="RefundsOfAnOlderOrder"/> is refunded 10 (margin 3) of o-5 on day 10+1h and 40 (margin 12) of o-2 on day
/// 10+2h as well. Then, the daemon paused, recorded after them: <see cref="BackDatedPurchases"/> buys 50 (margin 15) on day
/// 6+2h and 20 (margin 6) on day 3+2h; <see cref="BackDatedChurn"/> churns on day 5+4h; <see cref="RefundsOfAnOlderOrder"/> is
/// refunded 70 (margin 21) of o-2 on day 11 and 5 of an order never placed on day 12; <see cref="AllOfThem"/> records the
/// purchase of day 6+2h, the churn, a refund of 40 (margin 12) of o-2 on day 11, the purchase of day 3+2h and a refund of 70
/// (margin 21) of o-2 on day 12, in that order. <see cref="WithCheckpoints"/> (its day d is 1 January 2016 08:00 UTC plus d
/// days, <see cref="Since2016"/>) signed up on day 0 and bought o-d, 10 (margin 3),
/// on every day 1-2,400 but the multiples of 7 (2,059 events), read as of a date (which writes the value checkpoints of events
/// 1,000 and 2,000) before the daemon paused; then a purchase of 10 (margin 3) on day 700+2h (a day without one), a churn on day
/// 1,200+4h, a purchase of 10 (margin 3) on day 1,500+2h (a day with one) and a refund of 10 (margin 3) of o-30 on day 2,401.
/// </summary>
public sealed class DaemonBehindHost() : SchemaHost("eventcrm_daemon_behind_later_events")
{
    public const string BackDatedPurchases = "behind-back-dated-purchases";
    public const string BackDatedChurn = "behind-back-dated-churn";
    public const string RefundsOfAnOlderOrder = "behind-refunds-of-an-older-order";
    public const string AllOfThem = "behind-all-of-them";
    public const string WithCheckpoints = "behind-with-checkpoints";

    public static DateTimeOffset Day(double day) => Jan1.AddDays(day);

    public static DateTimeOffset Since2016(double day) => new DateTimeOffset(2016, 1, 1, 8, 0, 0, TimeSpan.Zero).AddDays(day);

    protected override async Task SeedAsync()
    {
        string[] customers = [BackDatedPurchases, BackDatedChurn, RefundsOfAnOlderOrder, AllOfThem];
        await Host.PostTouchpoints(customers.SelectMany(c => new[] { SignUp(c, Day(0)) }
            .Concat(new[] { 1, 2, 3, 4, 5, 7, 8, 9, 10 }.Select(d => Bought(c, $"o-{d}", Day(d), 100m, 30m)))).ToArray());
        await Host.PostTouchpoints(new[] { Refund(RefundsOfAnOlderOrder, "o-5", Day(10).AddHours(1), 10m, 3m), Refund(RefundsOfAnOlderOrder, "o-2", Day(10).AddHours(2), 40m, 12m) });
        var history = new[] { SignUp(WithCheckpoints, Since2016(0)) }
            .Concat(Enumerable.Range(1, 2_400).Where(d => d % 7 != 0).Select(d => Bought(WithCheckpoints, $"o-{d}", Since2016(d), 10m, 3m)));
        foreach (var batch in history.Chunk(1_000)) await Host.PostTouchpoints(batch);
        await Host.GetJson($"/api/customers/{WithCheckpoints}/value?asOf=2016-01-02");   // writes the checkpoints it lacks
        await Store.CatchUp();
        // Left paused: the daemon stays behind every touchpoint below, as it is behind a large account's back-dated block.
        await Host.Services.GetRequiredService<IProjectionCoordinator>().PauseAsync();

        await Host.PostTouchpoints(new[] { Bought(BackDatedPurchases, "o-6", Day(6).AddHours(2), 50m, 15m), Bought(BackDatedPurchases, "o-3b", Day(3).AddHours(2), 20m, 6m) });
        await Host.PostTouchpoints(Churn(BackDatedChurn, Day(5).AddHours(4)));
        await Host.PostTouchpoints(new[] { Refund(RefundsOfAnOlderOrder, "o-2", Day(11), 70m, 21m), Refund(RefundsOfAnOlderOrder, "o-never-placed", Day(12), 5m, 0m) });
        await Host.PostTouchpoints(new[]
        {
            Bought(WithCheckpoints, "o-700", Since2016(700).AddHours(2), 10m, 3m), Churn(WithCheckpoints, Since2016(1_200).AddHours(4)),
            Bought(WithCheckpoints, "o-1500b", Since2016(1_500).AddHours(2), 10m, 3m), Refund(WithCheckpoints, "o-30", Since2016(2_401), 10m, 3m),
        });
        await Host.PostTouchpoints(new[]
        {
            Bought(AllOfThem, "o-6", Day(6).AddHours(2), 50m, 15m), Churn(AllOfThem, Day(5).AddHours(4)), Refund(AllOfThem, "o-2", Day(11), 40m, 12m),
            Bought(AllOfThem, "o-3b", Day(3).AddHours(2), 20m, 6m), Refund(AllOfThem, "o-2", Day(12), 70m, 21m),
        });
    }

    private static Dictionary<string, object?> Bought(string customer, string orderId, DateTimeOffset at, decimal amount, decimal margin) =>
        Of("purchase", customer, at, new { orderId, amount, margin, category = "rollers" });

    private static Dictionary<string, object?> Refund(string customer, string orderId, DateTimeOffset at, decimal amount, decimal margin) =>
        Of("refund", customer, at, new { orderId, amount, margin });
}

/// <summary>
/// The "now" reads (the value, the desk's retention read, a timeline page) of accounts the daemon is behind, whose events after
/// the ledger it keeps hold a purchase back-dated among the purchase days, a churn back-dated before the latest state change, and
/// refunds of an order the ledger's summary does not keep: each is placed from what the stream says of the purchase days, the
/// state-changing touchpoints or the orders before it, as the daemon places it, not by reading and folding the customer's whole
/// stream (docs/scaling.md, section 6). The answers are the whole stream's, to the byte, and the figures worked here by hand.
/// </summary>
public class when_the_daemon_is_behind_an_account_that_records_back_dated_touchpoints_and_refunds(DaemonBehindHost account)
    : IClassFixture<DaemonBehindHost>
{
    private static DateTimeOffset Day(double day) => DaemonBehindHost.Day(day);

    private static DateOnly Date(int day) => DateOnly.FromDateTime(Day(day).UtcDateTime);

    public static TheoryData<string, long, int, LookedUp> Accounts => new()
    {
        // The purchase of day 6 (between the first day, 1, and the day before the last, 9) and that of day 3 need the purchase days.
        { DaemonBehindHost.BackDatedPurchases, 10, 2, LookedUp.PurchaseDays },
        // A churn dated before the latest state change (the purchase of day 10) needs the state-changing touchpoints after it.
        { DaemonBehindHost.BackDatedChurn, 10, 1, LookedUp.StateMarks },
        // Order o-2 is no data error (refunded 40 of 100), so the summary does not keep it, nor an order never placed and never refunded.
        { DaemonBehindHost.RefundsOfAnOlderOrder, 12, 2, LookedUp.Orders },
        { DaemonBehindHost.AllOfThem, 10, 5, LookedUp.PurchaseDays | LookedUp.StateMarks | LookedUp.Orders },
        // The same, the purchase days and marks read from the stretches the value checkpoints say may hold them.
        { DaemonBehindHost.WithCheckpoints, 2_059, 4, LookedUp.PurchaseDays | LookedUp.StateMarks | LookedUp.Orders },
    };

    [Theory, MemberData(nameof(Accounts))]
    public async Task the_events_after_the_kept_ledger_are_placed_from_the_lookups_not_from_the_whole_stream(string customer, long foldedUpTo, int later,
        LookedUp lookedUp)
    {
        await using var session = account.Store.QuerySession();

        var read = await KeptLedger.ReadWithLaterAsync(session, customer, default);

        read.ShouldNotBeNull("served by the kept ledger and the events after it, not left to the whole stream's fold");
        // The daemon folded the signup and nine purchases (versions 1-10), and the two refunds (11-12) where there are, and nothing since.
        (read.Stored.FoldedUpTo, read.Later.Count, read.LookedUp).ShouldBe((foldedUpTo, later, lookedUp));
        var events = await session.Events.FetchStreamAsync(customer);
        var wholeStream = FoldedLedger.Of(customer, events.Select(e => e.Data).OfType<ITouchpoint>()).AsStored() with { FoldedUpTo = foldedUpTo };
        var serializer = account.Store.Options.Serializer();
        serializer.ToJson(read.Now).ShouldBe(serializer.ToJson(wholeStream));
    }

    [Fact]
    public async Task back_dated_purchases_count_a_new_purchase_day_only_where_none_was()
    {
        var now = await Now(DaemonBehindHost.BackDatedPurchases);

        // 9 x 100 + 50 + 20 = 970, margin 9 x 30 + 15 + 6 = 291. Days 1-10: day 6 is new, day 3 held o-3 already; the repeat days
        // before the last hold 970 less the first and the last day's 100 each: 770.
        (now.PurchaseCount(), now.Historical.Revenue, now.Historical.Margin).ShouldBe((11, 970m, 291m));
        now.Occasions().ShouldBe(new PurchaseOccasions(Date(1), Date(10), 10, 770m, 100m));
        now.StateChanges().ShouldBe([new StateChange(Day(0), CustomerStates.Active)]);
    }

    [Fact]
    public async Task a_back_dated_churn_is_won_back_by_the_next_purchase_after_it()
    {
        var now = await Now(DaemonBehindHost.BackDatedChurn);

        // Active from the signup, churned on day 5+4h, won back by o-7 on day 7 (nothing on day 6).
        now.StateChanges().ShouldBe([
            new StateChange(Day(0), CustomerStates.Active), new StateChange(Day(5).AddHours(4), CustomerStates.Churned), new StateChange(Day(7), CustomerStates.Active)]);
        now.Summary.ChangeOrders.ShouldBe([0L, 10, 6]);   // places: the signup 0, o-7 6 (after o-1..o-5), the churn 10
        now.Occasions().ShouldBe(new PurchaseOccasions(Date(1), Date(10), 9, 700m, 100m));
    }

    [Fact]
    public async Task refunds_of_an_older_order_beyond_its_amount_are_a_data_error_in_the_place_of_its_first_refund()
    {
        var now = await Now(DaemonBehindHost.RefundsOfAnOlderOrder);

        // 900 - 10 - 40 - 70 - 5 = 775, margin 270 - 3 - 12 - 21 - 0 = 234; o-2 brought 100 and was refunded 40 + 70 = 110, its first
        // refund the customer's second (one before it, of o-5); the order never placed was refunded fourth (three before it).
        (now.Historical.Revenue, now.Historical.Margin).ShouldBe((775m, 234m));
        now.Summary.RefundedOrders.ShouldBe([new RefundedOrder("o-2", 100m, 110m, 1), new RefundedOrder("o-never-placed", null, 5m, 3)]);
        now.DataErrors().ShouldBe(["refunds of order o-2 exceed its amount", "refund of order o-never-placed, which this customer never placed"]);
    }

    [Fact]
    public async Task all_of_them_together_are_placed_in_the_order_they_were_recorded()
    {
        var now = await Now(DaemonBehindHost.AllOfThem);

        // 900 + 50 + 20 - 40 - 70 = 860, margin 270 + 15 + 6 - 12 - 21 = 258; the purchase days as with the back-dated purchases alone.
        (now.PurchaseCount(), now.Historical.Revenue, now.Historical.Margin).ShouldBe((11, 860m, 258m));
        now.Occasions().ShouldBe(new PurchaseOccasions(Date(1), Date(10), 10, 770m, 100m));
        // The churn of day 5+4h is won back by the purchase of day 6+2h (recorded before it, at place 10; the churn is 11).
        now.StateChanges().ShouldBe([
            new StateChange(Day(0), CustomerStates.Active), new StateChange(Day(5).AddHours(4), CustomerStates.Churned),
            new StateChange(Day(6).AddHours(2), CustomerStates.Active)]);
        now.Summary.ChangeOrders.ShouldBe([0L, 11, 10]);
        now.DataErrors().ShouldBe(["refunds of order o-2 exceed its amount"]);
    }

    [Fact]
    public async Task an_account_with_value_checkpoints_reads_only_what_they_say_may_hold_the_back_dated_ones()
    {
        var now = await Now(DaemonBehindHost.WithCheckpoints);

        // Days 1-2,400 but the 342 multiples of 7: 2,058 purchases of 10 (20,580, margin 6,174); then 10 + 10 - 10 (margin 3 + 3 - 3).
        (now.PurchaseCount(), now.Historical.Revenue, now.Historical.Margin).ShouldBe((2_060, 20_590m, 6_177m));
        // Day 700 is new, day 1,500 was bought on: 2,059 days; the repeat days before the last hold 2,060 x 10 less the first and last days' 10.
        var date = (int day) => DateOnly.FromDateTime(DaemonBehindHost.Since2016(day).UtcDateTime);
        now.Occasions().ShouldBe(new PurchaseOccasions(date(1), date(2_400), 2_059, 20_580m, 10m));
        // Churned on day 1,200+4h, won back on day 1,201 (1,201 - 171 multiples of 7 = purchase 1,030); the churn is the 2,060th touchpoint.
        now.StateChanges().ShouldBe([
            new StateChange(DaemonBehindHost.Since2016(0), CustomerStates.Active),
            new StateChange(DaemonBehindHost.Since2016(1_200).AddHours(4), CustomerStates.Churned), new StateChange(DaemonBehindHost.Since2016(1_201), CustomerStates.Active)]);
        now.Summary.ChangeOrders.ShouldBe([0L, 2_060, 1_030]);
    }

    [Theory]
    // The figures the kept ledger gives above, valued. simple-clv@0 as of 31 March 2025: tenure 89.6 days is under the floor of a quarter year, so purchasesPerYear = n / 0.25 and
    // CLV = (revenue / n) x (n / 0.25) x 3 (L = 0.75 / (1 - 0.75), the default model) = 12 x revenue.
    [InlineData(DaemonBehindHost.BackDatedPurchases, 12, 970)]   // 12 x 970 = 11,640
    [InlineData(DaemonBehindHost.BackDatedChurn, 11, 900)]       // won back: 12 x 900 = 10,800
    [InlineData(DaemonBehindHost.RefundsOfAnOlderOrder, 14, 775)] // 12 x 775 = 9,300
    [InlineData(DaemonBehindHost.AllOfThem, 15, 860)]            // 12 x 860 = 10,320
    public async Task the_value_read_answers_the_hand_worked_figures_and_what_the_whole_stream_answers(string customer, int touchpoints, decimal revenue)
    {
        const string query = "asOf=2025-03-31&formula=simple-clv@0";

        var text = await (await account.Host.Scenario(s => s.Get.Url($"/api/customers/{customer}/value?{query}"))).ReadAsTextAsync();

        var value = JsonNode.Parse(text)!;
        (value["touchpointsCounted"]!.GetValue<int>(), value["historical"]!["revenue"]!.GetValue<decimal>(), value["current"]!.GetValue<decimal>())
            .ShouldBe((touchpoints, revenue, 12m * revenue));
        text.ShouldBe(await WholeStreamValue.AnswerAsync(account.Host, customer, "simple-clv@0", "2025-03-31"));
        // The value route leaves events that need a look-up to the value checkpoints (none here: fewer than 1,000 events, so the
        // whole stream), as before: a correctness guard beside the kept ledger's figures above, not a test of the look-ups.
        await using var session = account.Store.QuerySession();
        (await KeptLedger.ReadAsync(session, customer, default, ValueCheckpoints.Every, withLookups: false)).ShouldBeNull();
    }

    [Theory]
    [InlineData(DaemonBehindHost.BackDatedPurchases)]
    [InlineData(DaemonBehindHost.BackDatedChurn)]
    [InlineData(DaemonBehindHost.RefundsOfAnOlderOrder)]
    [InlineData(DaemonBehindHost.AllOfThem)]
    [InlineData(DaemonBehindHost.WithCheckpoints)]
    public async Task the_desk_reads_an_active_client_with_nothing_pending_as_the_whole_stream_says(string customer)
    {
        var text = await (await account.Host.Scenario(s => s.Get.Url($"/api/customers/{customer}/retention"))).ReadAsTextAsync();

        // Every one ends active: bought after any churn (day 7, 6+2h or 1,201), and never asked to cancel.
        var retention = JsonNode.Parse(text)!;
        (retention["state"]!.GetValue<string>(), retention["pending"]).ShouldBe((CustomerStates.Active, null));
        text.ShouldBe(await WholeStreamRead.RetentionAsync(account.Host, customer));
        // The route's first path: the kept ledger says the client is not asking to cancel, so the stream is not read.
        (await Now(customer)).State().ShouldBe(CustomerStates.Active);
    }

    [Fact]
    public async Task a_timeline_page_of_the_account_refunded_in_business_order_is_read_from_the_kept_ledger()
    {
        const string customer = DaemonBehindHost.RefundsOfAnOlderOrder;
        await using (var session = account.Store.QuerySession())
            (await KeptTimeline.TryAsync(session, customer, TouchpointPage.Read(1, 3, "newest").Page!, upToVersion: null, default))
                .ShouldNotBeNull("a page and the events after the kept ledger, not the whole stream");

        var text = await (await account.Host.Scenario(s => s.Get.Url($"/api/customers/{customer}/timeline?page=1&pageSize=3&order=newest"))).ReadAsTextAsync();

        // 14 touchpoints, newest first: the refunds of day 12 (version 14), day 11 (13) and day 10+2h (12); all active.
        var page = JsonNode.Parse(text)!;
        (page["total"]!.GetValue<int>(), page["state"]!.GetValue<string>()).ShouldBe((14, CustomerStates.Active));
        page["entries"]!.AsArray().Select(e => (e!["version"]!.GetValue<long>(), e["type"]!.GetValue<string>(), e["state"]!.GetValue<string>()))
            .ShouldBe([(14L, "refund", CustomerStates.Active), (13L, "refund", CustomerStates.Active), (12L, "refund", CustomerStates.Active)]);
        text.ShouldBe(await WholeStreamRead.TimelineAsync(account.Host, customer, 1, 3, "newest"));
    }

    /// <summary>The customer as the kept ledger and the events after it say, as the "now" routes read it first: null is the whole stream's read.</summary>
    private async Task<CustomerLedger> Now(string customer)
    {
        await using var session = account.Store.QuerySession();
        return (await KeptLedger.ReadAsync(session, customer, default)).ShouldNotBeNull("served by the kept ledger, not the whole stream");
    }
}
