using System.Diagnostics;
using EventCrm.Host.Infrastructure;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using EventCrm.Tests.Reliability.Support;
using EventCrm.Tests.Support;
using JasperFx.Events.Daemon;
using Marten;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Scaling;

/// <summary>
/// Three real Host processes over one database and one schema of their own, in the Host's own
/// daemon mode (HotCold): the node running the projections is killed with SIGKILL and another
/// takes over; the ledgers afterwards are exactly the fold of the events, and scheduled offer
/// expiries fire once across the nodes. Kept lean (a few dozen events) but real.
/// </summary>
[Collection(FaultScenarios.Name)]
public class when_running_three_nodes(ITestOutputHelper output)
{
    private const string Schema = "eventcrm_nodes";
    private static readonly TimeSpan TakeoverLimit = TimeSpan.FromSeconds(30);

    private static readonly Dictionary<string, string> Settings = new() { ["Retention:OfferLifetime"] = "00:00:05" };

    [Fact]
    public async Task the_projection_node_dies_another_takes_over_nothing_is_skipped_or_applied_twice_and_offers_expire_once()
    {
        var clock = Stopwatch.StartNew();
        await DropSchema();
        using var store = DocumentStore.For(opts => opts.ConfigureEventCrmStore(NodeProcess.TestDatabase(), Schema));
        var nodes = new List<NodeProcess>();
        try
        {
            // The first node creates the schema; the other two join it.
            nodes.Add(await NodeProcess.Start("eventcrm-node-a", Schema, Settings));
            nodes.AddRange(await Task.WhenAll(NodeProcess.Start("eventcrm-node-b", Schema, Settings), NodeProcess.Start("eventcrm-node-c", Schema, Settings)));
            output.WriteLine($"{clock.Elapsed:mm\\:ss\\.f} three nodes healthy");

            // Customers and high-value clients who ask to cancel, spread over the three nodes.
            var customers = new List<string>();
            for (var i = 0; i < 9; i++) customers.Add(await NewCustomer(nodes[i % 3], purchases: 3));
            var clients = new List<string>();
            for (var i = 0; i < 3; i++) clients.Add(await HighValueClient(nodes[i]));
            for (var i = 0; i < 3; i++) await nodes[(i + 1) % 3].PostTouchpoints(CancellationRequest(clients[i], DateTimeOffset.UtcNow.AddMinutes(-1)));
            foreach (var client in clients) (await Decision(nodes, client)).ShouldBe("offer-made");
            output.WriteLine($"{clock.Elapsed:mm\\:ss\\.f} offers made to {clients.Count} clients");

            // Which node runs the projections: the one whose session holds the CustomerLedger shard's lock.
            var leader = await NodeHolding(store, "CustomerLedger", nodes, TimeSpan.FromSeconds(30));
            output.WriteLine($"{clock.Elapsed:mm\\:ss\\.f} {leader.Name} runs the projections");
            var survivors = nodes.Where(n => n != leader).ToList();

            // Events in flight, then the crash.
            await survivors[0].PostTouchpoints(customers.Select(c => Purchase(c, Jan1.AddDays(200), amount: 70m, margin: 20m)).ToArray());
            await leader.Kill();
            var killedAt = Stopwatch.StartNew();
            output.WriteLine($"{clock.Elapsed:mm\\:ss\\.f} {leader.Name} killed (SIGKILL)");

            // More appends through the survivors: new customers and purchases of old ones.
            for (var i = 0; i < 3; i++) customers.Add(await NewCustomer(survivors[i % 2], purchases: 2));
            await survivors[1].PostTouchpoints(customers.Take(6).Select(c => Purchase(c, Jan1.AddDays(210), amount: 30m, margin: 9m)).ToArray());

            var behind = await LedgersBehind(store, customers.Concat(clients), until: TakeoverLimit);
            behind.ShouldBeEmpty($"{TakeoverLimit.TotalSeconds} s after the kill, these ledgers still differ from their events");
            output.WriteLine($"{clock.Elapsed:mm\\:ss\\.f} the ledgers reflect every event {killedAt.Elapsed.TotalSeconds:0.0} s after the kill");
            var successor = await NodeHolding(store, "CustomerLedger", survivors, TimeSpan.FromSeconds(5));
            output.WriteLine($"{clock.Elapsed:mm\\:ss\\.f} {successor.Name} runs the projections now");

            // Each offer expires exactly once, whichever node fires it.
            await ExpiredEverywhere(store, clients, TimeSpan.FromSeconds(120));
            output.WriteLine($"{clock.Elapsed:mm\\:ss\\.f} every offer expired");
            await Task.Delay(TimeSpan.FromSeconds(6));
            foreach (var client in clients)
            {
                var types = await TypesOf(store, client);
                types.Count(t => t == TouchpointTypes.RetentionOfferExpired).ShouldBe(1, client);
                types.Count(t => t == TouchpointTypes.Churned).ShouldBe(1, client);
                types.Count(t => t == TouchpointTypes.RetentionOfferMade).ShouldBe(1, client);
            }

            // At rest: every ledger is exactly its fold (a single-node rebuild), and every event is sealed once.
            await store.CatchUp(TimeSpan.FromSeconds(60));
            (await LedgersBehind(store, customers.Concat(clients), until: TimeSpan.Zero)).ShouldBeEmpty();
            (await new StoreChecks(NodeProcess.TestDatabase(), Schema).SpendCellsOffTheEvents()).ShouldBeEmpty("spend cells that differ from the log's purchases");
            (await Scalar($"select count(*) from {Schema}.audit_seals")).ShouldBe(await Scalar($"select count(*) from {Schema}.mt_events"));
            output.WriteLine($"{clock.Elapsed:mm\\:ss\\.f} done");
        }
        catch
        {
            foreach (var node in nodes) output.WriteLine($"--- {node.Name} (exited: {node.HasExited}) ---\n{Tail(node.Log)}");
            throw;
        }
        finally
        {
            await Task.WhenAll(nodes.Select(n => n.DisposeAsync().AsTask()));
        }
    }

    private static async Task<string> NewCustomer(NodeProcess node, int purchases)
    {
        var id = Ids.Customer();
        await node.PostTouchpoints(new[] { SignUp(id, Jan1) }
            .Concat(Enumerable.Range(1, purchases).Select(i => Purchase(id, Jan1.AddDays(10 * i), amount: 100m + i, margin: 30m))).ToArray());
        return id;
    }

    /// <summary>Alpha of tests/EventCrm.Tests/Retention/RetentionClients.cs: worth an offer when it asks to cancel.</summary>
    private static async Task<string> HighValueClient(NodeProcess node)
    {
        var id = Ids.Customer();
        var signup = DateTimeOffset.UtcNow.AddDays(-2 * 365.25);
        await node.PostTouchpoints(new[] { Of("signed-up", id, signup, new { name = "Alpha Industries", email = "ops@alpha.example", segment = "enterprise", channel = "field-sales", acquisitionCost = 0m }) }
            .Concat(Enumerable.Range(1, 20).Select(i => Purchase(id, signup.AddDays(30 * i), amount: 2000m, margin: 800m))).ToArray());
        return id;
    }

    private static async Task<string> Decision(IReadOnlyList<NodeProcess> nodes, string client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        for (var i = 0; ; i++)
        {
            var pending = (await nodes[i % nodes.Count].GetJson($"/api/customers/{client}/retention"))["pending"];
            if (pending?["decision"]?.GetValue<string>() is { } decision && decision != "assessing") return decision;
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"no retention decision for {client} within 60 s");
            await Task.Delay(250);
        }
    }

    /// <summary>The node whose PostgreSQL session holds the advisory lock Marten's HotCold daemon takes for the projection's shard.</summary>
    private static async Task<NodeProcess> NodeHolding(IDocumentStore store, string projection, IReadOnlyList<NodeProcess> candidates, TimeSpan within)
    {
        var options = (StoreOptions)store.Options;
        var shard = options.Projections.AllShards().Single(s => s.Name.Name == projection).Name;
        var lockId = ProjectionLockIds.Compute(options.Events.DatabaseSchemaName, shard, options.Projections.DaemonLockId);
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            await using var connection = await Open();
            await using var command = new NpgsqlCommand(
                "select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid where l.locktype = 'advisory' and l.granted " +
                "and l.classid = 0 and l.objsubid = 1 and l.objid::bigint = @id and l.database = (select oid from pg_database where datname = current_database())", connection);
            command.Parameters.AddWithValue("id", (long)lockId);
            var holder = (string?)await command.ExecuteScalarAsync();
            if (candidates.FirstOrDefault(n => n.Name == holder) is { } node) return node;
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"no node among {string.Join(", ", candidates.Select(c => c.Name))} holds the lock {lockId} of {shard.Identity} (holder: {holder ?? "none"})");
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// The customers whose CustomerLedger document is not exactly the fold of their touchpoints
    /// (CustomerLedger.Of, what a rebuild on one node writes): polled until none or the time is up.
    /// </summary>
    private static async Task<List<string>> LedgersBehind(IDocumentStore store, IEnumerable<string> customerIds, TimeSpan until)
    {
        var ids = customerIds.ToArray();
        var serializer = store.Options.Serializer();
        var deadline = DateTime.UtcNow + until;
        while (true)
        {
            await using var session = store.QuerySession();
            var documents = (await session.LoadManyAsync<CustomerLedger>(ids)).ToDictionary(l => l.CustomerId);
            var behind = new List<string>();
            foreach (var id in ids)
            {
                var events = (await session.Events.FetchStreamAsync(id)).Where(e => e.Data is ITouchpoint).ToList();
                // The projection also notes the version it folded up to (docs/design.md, "The ledger the daemon keeps").
                var folded = serializer.ToJson(FoldedLedger.Of(id, events.Select(e => (ITouchpoint)e.Data)) with { FoldedUpTo = events.LastOrDefault()?.Version ?? 0 });
                if (!documents.TryGetValue(id, out var document) || serializer.ToJson(document) != folded) behind.Add(id);
            }
            if (behind.Count == 0 || DateTime.UtcNow > deadline) return behind;
            await Task.Delay(500);
        }
    }

    private static async Task ExpiredEverywhere(IDocumentStore store, IReadOnlyList<string> clients, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var waiting = new List<string>();
            foreach (var client in clients)
                if (!(await TypesOf(store, client)).Contains(TouchpointTypes.RetentionOfferExpired)) waiting.Add(client);
            if (waiting.Count == 0) return;
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"offers of {string.Join(", ", waiting)} never expired");
            await Task.Delay(500);
        }
    }

    private static async Task<List<string>> TypesOf(IDocumentStore store, string customerId)
    {
        await using var session = store.QuerySession();
        return (await session.Events.FetchStreamAsync(customerId)).Select(e => e.EventTypeName).ToList();
    }

    private static async Task DropSchema()
    {
        await using var connection = await Open();
        await using var drop = new NpgsqlCommand($"drop schema if exists {Schema} cascade", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private static async Task<long> Scalar(string sql)
    {
        await using var connection = await Open();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<NpgsqlConnection> Open()
    {
        var connection = new NpgsqlConnection(NodeProcess.TestDatabase());
        await connection.OpenAsync();
        return connection;
    }

    private static string Tail(string log) => log.Length <= 6000 ? log : log[^6000..];
}
