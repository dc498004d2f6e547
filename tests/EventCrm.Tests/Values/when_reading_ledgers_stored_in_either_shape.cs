using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Value;
using EventCrm.Tests.Support;
using Marten;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Values;

/// <summary>A schema of its own: documents are rewritten in its ledgers' table.</summary>
public sealed class LedgerShapes() : SchemaHost("eventcrm_ledger_shapes");

/// <summary>
/// The ledgers' table holds documents of two shapes and no type name in them: the summary the
/// projection writes since 2026-12-06, and every line before it (docs/projections.md, "Upgrading to
/// the summarised ledger"). Each is read back as its kind, answers as its history does, and an old
/// one is rewritten as a summary at its customer's next event.
/// </summary>
public class when_reading_ledgers_stored_in_either_shape(LedgerShapes shapes) : IClassFixture<LedgerShapes>
{
    /// <summary>What the code before 2026-12-06 stored for a signup, orders o-1 and o-2, and a refund of an order never placed.</summary>
    private static string StoredWithEveryLine(string customer) => $$$"""
        {"customerId": "{{{customer}}}", "segment": "smb", "leadAt": null,
         "signedUpAt": "2025-01-01T09:00:00+00:00", "firstSeenAt": "2025-01-01T09:00:00+00:00",
         "historical": {"revenue": 145, "margin": 40, "costs": {"acquisition": 120, "support": 0, "visits": 0, "promotions": 0, "retention": 0}},
         "purchases": [{"at": "2025-01-02T09:00:00+00:00", "orderId": "o-1", "amount": 100, "margin": 30, "category": "rollers"},
                       {"at": "2025-01-03T09:00:00+00:00", "orderId": "o-2", "amount": 50, "margin": 10, "category": "movers"}],
         "refunds": [{"at": "2025-01-04T09:00:00+00:00", "touchpointId": "tp-refund", "orderId": "never-placed", "amount": 5, "margin": 0}],
         "marks": [{"at": "2025-01-01T09:00:00+00:00", "order": 0, "type": "signed-up"},
                   {"at": "2025-01-02T09:00:00+00:00", "order": 1, "type": "purchase"},
                   {"at": "2025-01-03T09:00:00+00:00", "order": 2, "type": "purchase"}],
         "offerCosts": {}, "acceptedOffers": [], "touchpoints": 4}
        """;

    private static Dictionary<string, object?> Order(string customer, int day, string orderId, decimal amount, decimal margin, string category) =>
        Of("purchase", customer, Jan1.AddDays(day), new { orderId, amount, margin, category });

    private async Task<string> Document(string customer, string? replacement = null)
    {
        await using var connection = new NpgsqlConnection(EventCrm.Tests.DataTools.DataCommandLine.ConnectionString());
        await connection.OpenAsync();
        var sql = replacement is null
            ? $"select data::text from {shapes.Schema}.mt_doc_customerledger where id = @id"
            : $"update {shapes.Schema}.mt_doc_customerledger set data = @data::jsonb where id = @id returning data::text";
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", customer);
        if (replacement is not null) command.Parameters.AddWithValue("data", replacement);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private async Task<CustomerLedger> Load(string customer)
    {
        await using var session = shapes.Store.QuerySession();
        return (await session.LoadAsync<CustomerLedger>(customer))!;
    }

    [Fact]
    public async Task a_ledger_stored_with_every_line_is_read_as_a_folded_one_and_rewritten_as_a_summary_at_the_next_event()
    {
        var customer = Ids.Customer();
        await shapes.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), Order(customer, 1, "o-1", 100m, 30m, "rollers"), Order(customer, 2, "o-2", 50m, 10m, "movers"),
            Of("refund", customer, Jan1.AddDays(3), new { orderId = "never-placed", amount = 5m, margin = 0m }) });
        await shapes.Store.CatchUp(TimeSpan.FromMinutes(1));
        (await Document(customer)).ShouldContain("\"summary\"");
        (await Load(customer)).ShouldBeOfType<CustomerLedger>();

        await Document(customer, replacement: StoredWithEveryLine(customer));

        // 100 + 50 - 5 = 145 of revenue, margin 30 + 10 = 40, less 120 to acquire: a profit of -80.
        var old = (await Load(customer)).ShouldBeOfType<FoldedLedger>();
        old.Purchases.Select(p => p.OrderId).ShouldBe(["o-1", "o-2"]);
        (old.PurchaseCount(), old.Historical.Revenue, old.Historical.Profit, old.State()).ShouldBe((2, 145m, -80m, "active"));
        old.CategoriesBought().ShouldBe(["movers", "rollers"], ignoreOrder: true);
        old.DataErrors().ShouldBe(["refund of order never-placed, which this customer never placed"]);

        // Order o-3 (20, margin 5) on day 5: the projection moves the old document on, and stores a summary.
        await shapes.Host.PostTouchpoints(Order(customer, 5, "o-3", 20m, 5m, "rollers"));
        await shapes.Store.CatchUp(TimeSpan.FromMinutes(1));

        var document = await Document(customer);
        document.ShouldContain("\"summary\"");
        document.ShouldNotContain("\"purchases\"");
        var now = (await Load(customer)).ShouldBeOfType<CustomerLedger>();
        (now.PurchaseCount(), now.Historical.Revenue, now.Historical.Profit, now.Touchpoints, now.FoldedUpTo).ShouldBe((3, 165m, -75m, 5, 5L));
        now.StateChanges().ShouldBe([new StateChange(Jan1, "active")]);
        now.DataErrors().ShouldBe(["refund of order never-placed, which this customer never placed"]);
    }
}
