using System.Text.Json;
using System.Text.Json.Nodes;
using EventCrm.Host.Rebuilds;
using EventCrm.Relationship.Value;
using EventCrm.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

public class when_rebuilding_a_projection_blue_green(BlueGreenBase blueGreen) : IClassFixture<BlueGreenBase>
{
    private const string Newcomer = "bg-newcomer";

    private async Task<Dictionary<string, CustomerLedger>> Ledgers()
    {
        await using var session = blueGreen.Store.QuerySession();
        return (await session.Query<CustomerLedger>().ToListAsync()).ToDictionary(l => l.CustomerId);
    }

    /// <summary>The base's ledgers as readers get them, serialized: any partial or missing document shows.</summary>
    private async Task<string[]> BaseLedgers()
    {
        var all = await Ledgers();
        return BlueGreenBase.Customers.Select(c => all.TryGetValue(c.Id, out var l) ? JsonSerializer.Serialize(l) : $"{c.Id} missing").ToArray();
    }

    private Task<JsonNode> Status() => blueGreen.Host.GetJson("/api/projections/CustomerLedger");

    private Task<long> LedgerTable() =>
        DataCommandLine.Count($"select '{BlueGreenSchema}.mt_doc_customerledger'::regclass::oid::bigint");

    private static string BlueGreenSchema => BlueGreenBase.SchemaName;

    [Fact]
    public async Task reads_keep_the_full_ledgers_until_the_new_build_takes_over_and_events_appended_meanwhile_count_once()
    {
        var before = await BaseLedgers();
        var ledgers = await Ledgers();
        foreach (var (id, revenue, touchpoints) in BlueGreenBase.Customers)
            (ledgers[id].Historical.Revenue, ledgers[id].Touchpoints).ShouldBe((revenue, touchpoints), id);
        var liveTable = await LedgerTable();

        await using (await HeldNewBuild.Of(BlueGreenSchema, "CustomerLedger"))
        {
            var accepted = await blueGreen.Host.PostJson("/api/projections/CustomerLedger/rebuild", new { }, 202);
            accepted["state"]!.GetValue<string>().ShouldBe("rebuilding");

            var held = await Status();
            held["state"]!.GetValue<string>().ShouldBe("rebuilding");
            held["position"]!.GetValue<long>().ShouldBe(0);
            held["eventsBehind"]!.GetValue<long>().ShouldBe(held["highWaterMark"]!.GetValue<long>());
            held["servingPosition"]!.GetValue<long>().ShouldBe(held["highWaterMark"]!.GetValue<long>());
            (await BaseLedgers()).ShouldBe(before);

            // Appended while the new build has not started: the live build takes it, and so will the new one.
            await blueGreen.Host.PostTouchpoints(new[] { SignUp(Newcomer, Jan1), Purchase(Newcomer, Jan1.AddDays(1), 75m, 10m) });
            await blueGreen.Store.CatchUp();
            (await Ledgers())[Newcomer].Historical.Revenue.ShouldBe(75m);
            (await BaseLedgers()).ShouldBe(before);
            (await Status())["state"]!.GetValue<string>().ShouldBe("rebuilding");
        }

        // Reads right through the build and the take-over: each one complete; the new build's position only moves forward.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var positions = new List<long>();
        JsonNode status;
        while ((status = await Status())["lastRebuild"]!["state"]!.GetValue<string>() != "completed")
        {
            if (status["lastRebuild"]!["state"]!.GetValue<string>() == "failed") throw new InvalidOperationException(status.ToJsonString());
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"rebuild not completed after 60 s: {status.ToJsonString()}");
            positions.Add(status["position"]!.GetValue<long>());
            (await BaseLedgers()).ShouldBe(before);
        }
        positions.ShouldBe(positions.Order().ToList());

        (await LedgerTable()).ShouldNotBe(liveTable, "the new build's table took over");
        await blueGreen.Store.CatchUp();
        (await BaseLedgers()).ShouldBe(before);
        var newcomer = (await Ledgers())[Newcomer];
        (newcomer.Historical.Revenue, newcomer.PurchaseCount(), newcomer.Touchpoints).ShouldBe((75m, 1, 2));
        await blueGreen.Store.Storage.Database.AssertDatabaseMatchesConfigurationAsync();

        await blueGreen.Host.PostTouchpoints(Purchase(Newcomer, Jan1.AddDays(2), 25m, 5m));
        await blueGreen.Store.CatchUp();
        (await Ledgers())[Newcomer].Historical.Revenue.ShouldBe(100m);
        var after = await Status();
        after["state"]!.GetValue<string>().ShouldBe("caught-up");
        (after["position"]!.GetValue<long>(), after["eventsBehind"]!.GetValue<long>()).ShouldBe((after["highWaterMark"]!.GetValue<long>(), 0L));
    }

    [Fact]
    public async Task a_rebuild_that_cannot_drop_what_it_leaves_after_the_take_over_is_completed_and_the_next_one_drops_it()
    {
        var before = await BaseLedgers();
        var liveTable = await LedgerTable();
        var leftovers = new[] { $"{BlueGreenSchema}_next_customerledger", $"{BlueGreenSchema}_retired_customerledger" };
        var rebuilder = blueGreen.Host.Services.GetRequiredService<ProjectionRebuilder>();
        var ledger = blueGreen.Host.Services.GetRequiredService<ProjectionCatalog>().Find("CustomerLedger")!;

        await using (await RefusedSchemaDrop.Of(leftovers[0]))
            await rebuilder.RunAsync(ledger, (await rebuilder.BeginAsync(ledger, CancellationToken.None)).ShouldNotBeNull(), serviceRunsIt: true, CancellationToken.None);

        (await Status())["lastRebuild"]!["state"]!.GetValue<string>().ShouldBe("completed");
        (await LedgerTable()).ShouldNotBe(liveTable, "the new build's table took over");
        (await BaseLedgers()).ShouldBe(before);
        foreach (var schema in leftovers) (await SchemaExists(schema)).ShouldBeTrue($"{schema} is left for the next rebuild");

        await rebuilder.RunAsync(ledger, (await rebuilder.BeginAsync(ledger, CancellationToken.None)).ShouldNotBeNull(), serviceRunsIt: true, CancellationToken.None);
        (await Status())["lastRebuild"]!["state"]!.GetValue<string>().ShouldBe("completed");
        foreach (var schema in leftovers) (await SchemaExists(schema)).ShouldBeFalse($"{schema} dropped by the next rebuild");
        (await BaseLedgers()).ShouldBe(before);
    }

    private static async Task<bool> SchemaExists(string schema) =>
        await DataCommandLine.Count($"select count(*) from pg_namespace where nspname = '{schema}'") == 1;
}
