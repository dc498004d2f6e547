using EventCrm.Relationship.Value;
using EventCrm.Tests.Support;
using Marten;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Portfolio;

/// <summary>A schema of its own: the ledgers' sizes are read from its table.</summary>
public sealed class LedgerSizes() : SchemaHost("eventcrm_ledger_sizes");

/// <summary>
/// A B2B account buys every hour for months: the ledger the daemon keeps for it, read and rewritten
/// at every page that touches the account, stays the size of a small customer's, and still answers
/// what the whole history answers (docs/design.md, "The ledger the daemon keeps").
/// </summary>
public class when_an_account_buys_every_hour_for_months(LedgerSizes sizes) : IClassFixture<LedgerSizes>
{
    /// <summary>A signup on 1 January 2025, then a purchase of 10 (margin 3) every hour, order o-{customer}-{hour}.</summary>
    private static Dictionary<string, object?>[] BuyingEveryHour(string customer, int purchases) =>
        new[] { SignUp(customer, Jan1) }
            .Concat(Enumerable.Range(1, purchases).Select(hour =>
                Of("purchase", customer, Jan1.AddHours(hour), new { orderId = $"o-{customer}-{hour}", amount = 10m, margin = 3m, category = "rollers" })))
            .ToArray();

    private async Task Post(params Dictionary<string, object?>[] touchpoints)
    {
        foreach (var batch in touchpoints.Chunk(1_000)) await sizes.Host.PostTouchpoints(batch);
        await sizes.Store.CatchUp(TimeSpan.FromMinutes(3));
    }

    private async Task<int> StoredBytes(string customer)
    {
        await using var connection = new NpgsqlConnection(EventCrm.Tests.DataTools.DataCommandLine.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select length(data::text) from {sizes.Schema}.mt_doc_customerledger where id = @id", connection);
        command.Parameters.AddWithValue("id", customer);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private async Task<CustomerLedger> Stored(string customer)
    {
        await using var session = sizes.Store.QuerySession();
        return (await session.LoadAsync<CustomerLedger>(customer))!;
    }

    [Fact]
    public async Task the_stored_ledger_of_3000_purchases_is_no_larger_than_one_of_30()
    {
        var (small, large) = (Ids.Customer(), Ids.Customer());
        await Post([.. BuyingEveryHour(small, 30), .. BuyingEveryHour(large, 3_000)]);

        // Each purchase line was about 120 bytes of JSON: 3,000 of them made 360 KB. The summary keeps
        // counts, sums and dates, so only the digits of the larger numbers differ.
        var (smallBytes, largeBytes) = (await StoredBytes(small), await StoredBytes(large));
        largeBytes.ShouldBeLessThanOrEqualTo(smallBytes + 64);
        largeBytes.ShouldBeLessThan(2_000);

        // And it answers as the history does: 3,000 purchases of 10 (margin 3), first at 10:00 on
        // 1 January 2025, on 126 days (09:00 on day 0 is the signup; hours 1..3,000 run to 1 May, 9:00).
        var ledger = await Stored(large);
        ledger.ShouldBeOfType<CustomerLedger>();
        (ledger.PurchaseCount(), ledger.Historical.Revenue, ledger.Historical.Margin).ShouldBe((3_000, 30_000m, 9_000m));
        ledger.FirstPurchaseAt().ShouldBe(Jan1.AddHours(1));
        ledger.Occasions()!.Days.ShouldBe(126);
        ledger.StateChanges().Select(c => c.State).ShouldBe(["active"]);
    }

    [Fact]
    public async Task its_value_now_is_read_from_the_kept_ledger_and_the_events_after_it_not_from_its_whole_stream()
    {
        var customer = Ids.Customer();
        await Post(BuyingEveryHour(customer, 2_000));
        await sizes.Host.PostTouchpoints(Purchase(customer, Jan1.AddHours(2_001), amount: 10m, margin: 3m));   // folded by the read if the daemon has not yet

        // Hide the first 1,000 events from every reader of the stream, as Marten's archive flag does:
        // a read that went back to the whole stream would count only the 1,001 left.
        await using (var connection = new NpgsqlConnection(EventCrm.Tests.DataTools.DataCommandLine.ConnectionString()))
        {
            await connection.OpenAsync();
            await using var hide = new NpgsqlCommand($"update {sizes.Schema}.mt_events set is_archived = true where stream_id = @id and version <= 1000", connection);
            hide.Parameters.AddWithValue("id", customer);
            await hide.ExecuteNonQueryAsync();
        }

        var now = await sizes.Host.GetJson($"/api/customers/{customer}/value");
        var stream = await sizes.Host.GetJson($"/api/customers/{customer}/value?knownAt={DateTimeOffset.UtcNow:yyyy-MM-dd}");

        // The signup and 2,001 purchases of 10: revenue 20,010.
        (now["touchpointsCounted"]!.GetValue<int>(), now["historical"]!["revenue"]!.GetValue<decimal>()).ShouldBe((2_002, 20_010m));
        // knownAt asks for the stream as recorded by then: without the hidden events (versions 1,001 to 2,002 are left), the
        // value checkpoint at event 2,000 written by this very read included.
        stream["touchpointsCounted"]!.GetValue<int>().ShouldBe(1_002);
        (await sizes.Host.GetJson($"/api/customers/{customer}/retention"))["state"]!.GetValue<string>().ShouldBe("active");
        // Its latest page of timeline too: 2,002 touchpoints, the latest three purchases (versions 2,002 to 2,000).
        var timeline = await sizes.Host.GetJson($"/api/customers/{customer}/timeline?order=newest&pageSize=3");
        (timeline["total"]!.GetValue<int>(), timeline["state"]!.GetValue<string>()).ShouldBe((2_002, "active"));
        timeline["entries"]!.AsArray().Select(e => e!["version"]!.GetValue<long>()).ShouldBe([2_002L, 2_001L, 2_000L]);
    }

    [Fact]
    public async Task a_timeline_page_takes_its_first_state_from_the_touchpoints_before_it()
    {
        // Recorded in business order: signed up, 3 purchases, a churn, a purchase winning the client
        // back, a support call (versions 1 to 7), then a purchase (version 8).
        var customer = Ids.Customer();
        await Post(
            SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(1)), Purchase(customer, Jan1.AddDays(2)), Purchase(customer, Jan1.AddDays(3)),
            Churn(customer, Jan1.AddDays(4)), Purchase(customer, Jan1.AddDays(5)), SupportCall(customer, Jan1.AddDays(6)));
        await sizes.Host.PostTouchpoints(Purchase(customer, Jan1.AddDays(7)));   // folded by the read if the daemon has not yet

        var pages = new List<(long Version, string State)>();
        for (var page = 1; page <= 4; page++)
            pages.AddRange((await sizes.Host.GetJson($"/api/customers/{customer}/timeline?pageSize=3&page={page}"))["entries"]!.AsArray()
                .Select(e => (e!["version"]!.GetValue<long>(), e["state"]!.GetValue<string>())));
        var newest = await sizes.Host.GetJson($"/api/customers/{customer}/timeline?pageSize=2&order=newest&page=2");

        pages.ShouldBe([(1, "active"), (2, "active"), (3, "active"), (4, "active"), (5, "churned"), (6, "active"), (7, "active"), (8, "active")]);
        newest["entries"]!.AsArray().Select(e => (e!["version"]!.GetValue<long>(), e["state"]!.GetValue<string>())).ShouldBe([(6L, "active"), (5L, "churned")]);
        (newest["total"]!.GetValue<int>(), newest["state"]!.GetValue<string>()).ShouldBe((8, "active"));
    }

    [Fact]
    public async Task a_churn_dated_among_the_purchases_and_refunds_of_old_orders_are_placed_as_the_history_places_them()
    {
        var customer = Ids.Customer();
        await Post(BuyingEveryHour(customer, 2_000));

        await Post(
            Churn(customer, Jan1.AddHours(1_000).AddMinutes(30)),
            Of("refund", customer, Jan1.AddHours(2_001), new { orderId = $"o-{customer}-7", amount = 4m, margin = 1m }),
            Of("refund", customer, Jan1.AddHours(2_002), new { orderId = $"o-{customer}-7", amount = 7m, margin = 2m }),
            Of("refund", customer, Jan1.AddHours(2_003), new { orderId = "never-placed", amount = 5m, margin = 0m }));

        // The churn at hour 1,000:30 is followed by the purchase of hour 1,001, which wins the client back.
        var ledger = await Stored(customer);
        ledger.StateChanges().ShouldBe([
            new(Jan1, "active"), new(Jan1.AddHours(1_000).AddMinutes(30), "churned"), new(Jan1.AddHours(1_001), "active")]);
        // Order 7 brought 10 and was refunded 4 + 7 = 11; the last refund's order was never placed.
        ledger.DataErrors().ShouldBe([$"refunds of order o-{customer}-7 exceed its amount", "refund of order never-placed, which this customer never placed"]);
        (ledger.Historical.Revenue, ledger.PurchaseCount()).ShouldBe((20_000m - 16m, 2_000));
        (await StoredBytes(customer)).ShouldBeLessThan(2_000);
    }
}
