using Alba;
using EventCrm.Host.Customers;
using EventCrm.Host.Values;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using EventCrm.Tests.Support;
using Marten;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Values;

/// <summary>
/// A schema of its own (it puts a formula in force): one account of 2,007 events, purchases of 10 (margin 3) on days 1-300 and
/// 401-1,800, then, recorded after them, purchases on day 100 (again, 7), day 350 (a day without one, 9, then 5 the same day)
/// and a refund of 4 of the 9, before days 1,801-2,097; a read writes the checkpoints of events 1,000 and 2,000; a bgnbd-gg
/// version with its parameters given (it counts the purchase days) is put in force; then purchases on day 360 (a new day, 11)
/// and day 200 (again, 13), a refund of 6 of the 13, day 250 (again, 3) and day 2,098. The daemon catches up after each post.
/// </summary>
public sealed class BackDatedOntoPurchaseDaysHost() : SchemaHost("eventcrm_value_back_dated_onto_days")
{
    public const string Customer = "b2b-back-dated-onto-days";
    public static readonly DateTimeOffset Start = new(2016, 1, 1, 8, 0, 0, TimeSpan.Zero);

    protected override async Task SeedAsync()
    {
        await Post([SignUp(Customer, Start), .. Days(1, 300), .. Days(401, 1_800)]);
        await Post([Bought("o-100", 100, 4, 7m, 2m), Bought("o-350", 350, 2, 9m, 2m), Bought("o-350b", 350, 5, 5m, 1m), Refund("o-350", 351, 4m, 1m),
            .. Days(1_801, 2_097)]);
        await Host.GetJson($"/api/customers/{Customer}/value?asOf={Start.AddDays(1):yyyy-MM-dd}");   // writes the checkpoints it lacks
        var registered = await Host.PostJson("/api/formulas", new
        {
            name = "bgnbd-gg", parameters = new { r = 0.243m, alpha = 4.414m, a = 0.793m, b = 2.426m, p = 6.25m, q = 3.74m, gamma = 15.44m },
        }, 201);
        await Host.PostJson("/api/formulas/default", new { formula = $"bgnbd-gg@{registered["version"]}" }, 200);
        await Post([Bought("o-360", 360, 1, 11m, 4m), Bought("o-200", 200, 6, 13m, 4m), Refund("o-200", 201, 6m, 2m), Bought("o-250", 250, 3, 3m, 1m),
            .. Days(2_098, 2_098)]);
    }

    private static IEnumerable<Dictionary<string, object?>> Days(int first, int last) =>
        Enumerable.Range(first, last - first + 1).Select(d => Purchase(Customer, Start.AddDays(d), amount: 10m, margin: 3m));

    private static Dictionary<string, object?> Bought(string orderId, int day, int hours, decimal amount, decimal margin) =>
        Of("purchase", Customer, Start.AddDays(day).AddHours(hours), new { orderId, amount, margin, category = "rollers" });

    private static Dictionary<string, object?> Refund(string orderId, int day, decimal amount, decimal margin) =>
        Of("refund", Customer, Start.AddDays(day), new { orderId, amount, margin });

    private async Task Post(Dictionary<string, object?>[] touchpoints)
    {
        foreach (var batch in touchpoints.Chunk(1_000)) await Host.PostTouchpoints(batch);
        await Store.CatchUp();
    }
}

/// <summary>
/// Purchases back-dated onto a day between the first purchase day and the day before the last (one the customer bought on,
/// one it had not, twice the same day), with refunds, under a formula put in force among them: a value as of a past date
/// starts from a checkpoint and places them from the purchase days counted before them (of those up to the checkpoint, only
/// the segments that may hold the day are read), and the ledger the daemon keeps places them from the stream's purchase
/// days, neither folding the stream whole again (docs/performance.md). Both give what the whole stream's fold gives, to the byte.
/// </summary>
public class when_an_account_values_purchases_back_dated_onto_its_purchase_days(BackDatedOntoPurchaseDaysHost account)
    : IClassFixture<BackDatedOntoPurchaseDaysHost>
{
    private const string Customer = BackDatedOntoPurchaseDaysHost.Customer;

    [Theory]
    // From the checkpoint of event 2,000: days 1-300 and 401-2,097 (1,997 x 10, margin 5,991) and 7 + 9 + 5 + 11 + 13 + 3 (margin 14),
    // less refunds of 4 and 6 (margin 3); 1,999 purchase days (350 and 360 new); the repeat days before the last hold all
    // but the first and the last day's 10 each.
    [InlineData(2_097, 20_008, 6_002, 1_999, 19_998)]
    // From the checkpoint of event 1,000: days 1-300 and 401-2,000 (1,900 x 10, margin 5,700) and the same six, less the same refunds.
    [InlineData(2_000, 19_038, 5_711, 1_902, 19_028)]
    public async Task a_value_as_of_a_past_date_places_them_from_the_purchase_days_counted_before_them(
        int asOfDay, decimal revenue, decimal margin, int purchaseDays, decimal earlierRepeats)
    {
        var asOf = new DateTimeOffset(Date(asOfDay).ToDateTime(TimeOnly.MaxValue), TimeSpan.Zero);   // as the route reads a date
        await using var session = account.Store.QuerySession();

        var ledger = await CheckpointedLedger.ReadAsync(session, Customer, asOf, null, default);

        ledger.ShouldNotBeNull("placed from the checkpoint, not left to the whole stream's fold");
        (ledger.Historical.Revenue, ledger.Historical.Margin).ShouldBe((revenue, margin));
        ledger.Occasions().ShouldBe(new PurchaseOccasions(Date(1), Date(asOfDay), purchaseDays, earlierRepeats, 10m));
    }

    [Theory]
    [InlineData(2_097, null)]
    [InlineData(2_097, "simple-clv@0")]
    [InlineData(2_097, "waland-cole@0")]
    [InlineData(2_000, null)]
    [InlineData(2_000, "retention-ltv@0")]
    public async Task the_value_read_answers_what_the_whole_stream_answers(int asOfDay, string? formula)
    {
        var query = $"asOf={Day(asOfDay):yyyy-MM-dd}" + (formula is null ? "" : $"&formula={formula}");

        var result = await account.Host.Scenario(s => s.Get.Url($"/api/customers/{Customer}/value?{query}"));

        (await result.ReadAsTextAsync()).ShouldBe(await WholeStreamValue.AnswerAsync(account.Host, Customer, formula, $"{Day(asOfDay):yyyy-MM-dd}"), query);
    }

    [Fact]
    public async Task the_ledger_the_daemon_keeps_is_the_whole_streams_fold()
    {
        await using var session = account.Store.QuerySession();
        var kept = await session.LoadAsync<CustomerLedger>(Customer);
        var events = await session.Events.FetchStreamAsync(Customer);

        kept.ShouldNotBeNull();
        var wholeStream = FoldedLedger.Of(Customer, events.Select(e => e.Data).OfType<ITouchpoint>()).AsStored() with { FoldedUpTo = events.Count };
        var serializer = account.Store.Options.Serializer();
        serializer.ToJson(kept).ShouldBe(serializer.ToJson(wholeStream));
        // Days 1-300 and 401-2,098 (1,998 x 10), 350 and 360: 2,000 days; the repeats before the last hold 20,028 less the first and last days' 10.
        kept.Summary.Occasions!.Occasions.ShouldBe(new PurchaseOccasions(Date(1), Date(2_098), 2_000, 20_008, 10m));
    }

    private static DateTimeOffset Day(int day) => BackDatedOntoPurchaseDaysHost.Start.AddDays(day);

    private static DateOnly Date(int day) => DateOnly.FromDateTime(Day(day).UtcDateTime);
}
