using EventCrm.Projections.Values;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using EventCrm.Tests.Support;
using Marten;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Values;

/// <summary>
/// A schema of its own: one account of 2,000 events whose purchases on days 100 (again) and 350 (a day without one) are
/// recorded among those of days 1,801-2,097; a value read writes its checkpoints of events 1,000 and 2,000. Then 1,000
/// more, recorded after them: purchases on days 360 (a new day), 200 and 350 (days bought on before event 2,000) among
/// those of days 2,098-3,094, and a second read writes the checkpoint of event 3,000.
/// </summary>
public sealed class BackDatedPurchaseDaysHost() : SchemaHost("eventcrm_back_dated_purchase_days")
{
    public const string Customer = "b2b-back-dated-days";
    public static readonly DateTimeOffset Start = new(2016, 1, 1, 8, 0, 0, TimeSpan.Zero);

    protected override async Task SeedAsync()
    {
        IEnumerable<Dictionary<string, object?>> Days(int first, int last) => Enumerable.Range(first, last - first + 1).Select(d => Bought(Start.AddDays(d)));
        // Versions 1-1,701: the signup, days 1-300 and 401-1,800; 1,702-1,703: days 350 and 100; 1,704-2,000: days 1,801-2,097.
        await Post([SignUp(Customer, Start), .. Days(1, 300), .. Days(401, 1_800), Bought(Start.AddDays(350).AddHours(2)),
            Bought(Start.AddDays(100).AddHours(4)), .. Days(1_801, 2_097)]);
        await Host.GetJson($"/api/customers/{Customer}/value?asOf={Start.AddDays(1):yyyy-MM-dd}");   // writes the checkpoints it lacks
        // Versions 2,001-2,003: days 360, 200 and 350; 2,004-3,000: days 2,098-3,094.
        await Post([Bought(Start.AddDays(360).AddHours(1)), Bought(Start.AddDays(200).AddHours(3)), Bought(Start.AddDays(350).AddHours(5)), .. Days(2_098, 3_094)]);
        await Host.GetJson($"/api/customers/{Customer}/value?asOf={Start.AddDays(1):yyyy-MM-dd}");   // writes the checkpoints it lacks
    }

    private static Dictionary<string, object?> Bought(DateTimeOffset at) => Purchase(Customer, at, amount: 10m, margin: 3m);

    private async Task Post(Dictionary<string, object?>[] touchpoints)
    {
        foreach (var batch in touchpoints.Chunk(1_000)) await Host.PostTouchpoints(batch);
    }
}

/// <summary>
/// Purchases back-dated to a day between the first purchase day and the day before the last, whether the customer had bought
/// on it or not, are placed in a checkpoint from the purchase days folded before them (read from the stream when the writing
/// starts from a stored checkpoint), not by folding the stream again (docs/performance.md): each checkpoint is the ledger of
/// the whole stream up to it, to the byte, and its purchase occasions are those counted here by hand.
/// </summary>
public class when_a_large_account_records_purchases_back_dated_among_its_purchase_days(BackDatedPurchaseDaysHost account)
    : IClassFixture<BackDatedPurchaseDaysHost>
{
    [Theory]
    // 1,999 purchases of 10 on 1,998 days (day 100 twice), days 1 to 2,097: the days between hold 19,990 - 10 - 10.
    [InlineData(2_000, 1_998, 2_097, 19_970)]
    // 2,999 on 2,996 days (days 100, 200 and 350 twice), days 1 to 3,094.
    [InlineData(3_000, 2_996, 3_094, 29_970)]
    public async Task each_checkpoint_holds_the_purchase_days_of_the_whole_stream_up_to_it(long version, int days, int lastDay, decimal earlierRepeats)
    {
        await using var session = account.Store.QuerySession();
        var checkpoint = await session.LoadAsync<ValueCheckpoint>(ValueCheckpoint.IdOf(BackDatedPurchaseDaysHost.Customer, version));

        checkpoint.ShouldNotBeNull();
        var day = (int d) => DateOnly.FromDateTime(BackDatedPurchaseDaysHost.Start.AddDays(d).UtcDateTime);
        checkpoint.Ledger.Occasions().ShouldBe(new PurchaseOccasions(day(1), day(lastDay), days, earlierRepeats, 10m));
        var events = await session.Events.FetchStreamAsync(BackDatedPurchaseDaysHost.Customer, version: version);
        var wholeStream = FoldedLedger.Of(BackDatedPurchaseDaysHost.Customer, events.Select(e => e.Data).OfType<ITouchpoint>()).AsStored() with { FoldedUpTo = version };
        var serializer = account.Store.Options.Serializer();
        serializer.ToJson(checkpoint.Ledger).ShouldBe(serializer.ToJson(wholeStream));
    }
}
