using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using EventCrm.Host.Sharding;
using EventCrm.Relationship.Value;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Sharding;

/// <summary>
/// An online rebuild with customers over two databases: each database gets its own new build,
/// reads keep the live ledgers until every build has caught up, and then both take over.
/// </summary>
public sealed class when_rebuilding_across_two_databases(ShardedRebuilds bases) : IClassFixture<ShardedRebuilds>
{
    [Fact]
    public async Task each_database_is_rebuilt_beside_its_live_ledgers_and_both_take_over_once_both_builds_have_caught_up()
    {
        var liveTables = await LedgerTables();
        var before = await ShardedLedgers();
        Serialized(before, Buying).ShouldBe(Serialized(await SingleLedgers(), Buying), "the sharded ledgers are the single-database ones before the rebuild");
        var (first, second) = (InDatabase(0), InDatabase(1));
        var revenueBefore = (before[first].Historical.Revenue, before[second].Historical.Revenue);

        await using (await HeldNewBuild.Of(bases.Schema, "CustomerLedger", bases.Databases[1]))
        {
            var accepted = await bases.Sharded.PostJson("/api/projections/CustomerLedger/rebuild", new { }, 202);
            accepted["state"]!.GetValue<string>().ShouldBe("rebuilding");

            // The first database's build catches up; the second one's is held before its first page.
            var status = await UntilFirstDatabaseCaughtUp();
            status["state"]!.GetValue<string>().ShouldBe("rebuilding");
            status["databases"]![1]!["position"]!.GetValue<long>().ShouldBe(0);
            // Each database's reads are served by its live ledgers, caught up to its own head: what a report waits for, database by database.
            foreach (var database in status["databases"]!.AsArray())
                database!["servingPosition"]!.GetValue<long>().ShouldBe(database["highWaterMark"]!.GetValue<long>());
            status["databases"]!.AsArray().Select(d => d!["state"]!.GetValue<string>()).ShouldAllBe(s => s == "rebuilding");
            status["servingPosition"]!.GetValue<long>().ShouldBe(status["highWaterMark"]!.GetValue<long>(), "reads are served by the live ledgers meanwhile");
            (await LedgerTables()).ShouldBe(liveTables, "no database takes over before every one has caught up");
            Serialized(await ShardedLedgers(), _ => true).ShouldBe(Serialized(before, _ => true));

            // Appended during the rebuild, one purchase in each database: the live ledgers take them, and so must the new builds.
            foreach (var id in new[] { first, second })
            {
                var purchase = new[] { Purchase(id, TwoDatabases.Start.AddDays(300), 60m, 15m) };
                await bases.Sharded.PostTouchpoints(purchase);
                await bases.Single.PostTouchpoints(purchase);
            }
        }

        var completed = await RebuildWaits.UntilCompleted(bases.Sharded, "CustomerLedger");
        completed["lastRebuild"]!["error"].ShouldBeNull();
        var rebuiltTables = await LedgerTables();
        rebuiltTables[0].ShouldNotBe(liveTables[0], "the first database's new build took over");
        rebuiltTables[1].ShouldNotBe(liveTables[1], "the second database's new build took over");

        await TwoDatabases.CaughtUpEverywhere(bases.Sharded);
        await bases.Single.Services.GetRequiredService<IDocumentStore>().CatchUp();
        var after = await ShardedLedgers();
        (after[first].Historical.Revenue, after[second].Historical.Revenue)
            .ShouldBe((revenueBefore.Item1 + 60m, revenueBefore.Item2 + 60m), "each purchase appended during the rebuild counts once");
        Serialized(after, Buying).ShouldBe(Serialized(await SingleLedgers(), Buying));
        Serialized(after, Cancelling).ShouldBe(Serialized(before, Cancelling));
        (await bases.Sharded.GetJson("/api/projections/CustomerLedger"))["state"]!.GetValue<string>().ShouldBe("caught-up");
    }

    [Fact]
    public async Task the_spend_by_category_is_rebuilt_in_both_databases_and_reads_the_same_as_the_single_database_one()
    {
        var single = await bases.Single.GetJson("/api/portfolio/spend-by-category");
        (await bases.Sharded.GetJson("/api/portfolio/spend-by-category")).ToJsonString().ShouldBe(single.ToJsonString());
        var tables = await DocumentTables("mt_doc_customerspend");

        await bases.Sharded.PostJson("/api/projections/SpendByCategory/rebuild", new { }, 202);
        await RebuildWaits.UntilCompleted(bases.Sharded, "SpendByCategory");

        var rebuilt = await DocumentTables("mt_doc_customerspend");
        rebuilt[0].ShouldNotBe(tables[0]);
        rebuilt[1].ShouldNotBe(tables[1]);
        await TwoDatabases.CaughtUpEverywhere(bases.Sharded);
        (await bases.Sharded.GetJson("/api/portfolio/spend-by-category")).ToJsonString().ShouldBe(single.ToJsonString());
    }

    /// <summary>A customer of the database who neither asked to cancel nor churned: still buying.</summary>
    private string InDatabase(int database) =>
        bases.Customers.Skip(bases.CancellingCustomers.Count).First(id => CustomerShardRule.DatabaseOf(id, 2) == database);

    /// <summary>
    /// The customers who asked to cancel have offers and churns dated by each Host's own clock, so
    /// their ledgers differ between the two Hosts: the rebuild must give them back unchanged.
    /// </summary>
    private bool Cancelling(string customer) => bases.CancellingCustomers.Contains(customer);

    private bool Buying(string customer) => !Cancelling(customer);

    /// <summary>The ledgers as readers get them, serialized in customer order: any partial or missing document shows.</summary>
    private static string[] Serialized(IReadOnlyDictionary<string, CustomerLedger> ledgers, Func<string, bool> which) =>
        ledgers.Where(l => which(l.Key)).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}: {JsonSerializer.Serialize(l.Value)}").ToArray();

    private async Task<JsonNode> UntilFirstDatabaseCaughtUp()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = await bases.Sharded.GetJson("/api/projections/CustomerLedger");
            var first = status["databases"]![0]!;
            if (first["position"]!.GetValue<long>() >= first["highWaterMark"]!.GetValue<long>() && first["highWaterMark"]!.GetValue<long>() > 0) return status;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the first database's new build did not catch up in 60 s: {status.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    private Task<long[]> LedgerTables() => DocumentTables("mt_doc_customerledger");

    /// <summary>Each database's table of the documents, by its PostgreSQL identity: a take-over puts another table under the same name.</summary>
    private async Task<long[]> DocumentTables(string table)
    {
        var oids = new List<long>();
        foreach (var database in bases.Databases)
        {
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"select '{bases.Schema}.{table}'::regclass::oid::bigint", connection);
            oids.Add((long)(await command.ExecuteScalarAsync())!);
        }
        return [.. oids];
    }

    /// <summary>Every ledger of the sharded Host, from both databases (a customer in both would throw).</summary>
    private async Task<Dictionary<string, CustomerLedger>> ShardedLedgers()
    {
        var store = bases.Sharded.Services.GetRequiredService<IDocumentStore>();
        var all = new Dictionary<string, CustomerLedger>();
        foreach (var tenant in new[] { TenancySettings.TenantIdOf(0), TenancySettings.TenantIdOf(1) })
        {
            await using var session = store.QuerySession(tenant);
            foreach (var ledger in await session.Query<CustomerLedger>().ToListAsync()) all.Add(ledger.CustomerId, ledger);
        }
        return all;
    }

    private async Task<Dictionary<string, CustomerLedger>> SingleLedgers()
    {
        await using var session = bases.Single.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Query<CustomerLedger>().ToListAsync()).ToDictionary(l => l.CustomerId);
    }
}
