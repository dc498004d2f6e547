using Microsoft.Extensions.DependencyInjection;
using Alba;
using EventCrm.Host.Rebuilds;
using EventCrm.Host.Sharding;
using EventCrm.Tests.Scaling;
using EventCrm.Tests.Support;
using Marten;
using System.Text.Json.Nodes;
using Npgsql;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Sharding;

/// <summary>
/// The same history posted to two Hosts: one whose customers are spread over two databases of
/// the test server (<c>Tenancy:Databases</c>), and a reference over one database. Everything the
/// sharded Host answers must be what the single-database Host answers; the single-database
/// answers themselves are checked by hand-worked examples elsewhere in the suite.
/// </summary>
public abstract class TwoDatabases(string schema) : IAsyncLifetime
{
    public string Schema { get; } = schema;
    private static readonly (string, string) ShortOffers = ("Retention:OfferLifetime", "00:00:04");
    public static readonly DateTimeOffset Start = new(2024, 1, 8, 9, 0, 0, TimeSpan.Zero);

    public IAlbaHost Sharded { get; private set; } = null!;
    public IAlbaHost Single { get; private set; } = null!;
    // Named after the test database, so that runs against their own databases on a shared server never meet.
    public string[] Databases { get; } = [OwnDatabaseNamed($"{schema}_0"), OwnDatabaseNamed($"{schema}_1")];
    public IReadOnlyList<string> Customers { get; } = Enumerable.Range(1, 24).Select(i => $"shard-c{i:00}").ToList();
    public IReadOnlyList<string> CancellingCustomers => [Customers[0], Customers[1], Customers[2], Customers[3]];

    public async ValueTask InitializeAsync()
    {
        foreach (var database in Databases) await RecreateAsync(database);
        Sharded = await AppFixture.StartHost(Schema, ShortOffers, ("Tenancy:Databases:0", Databases[0]), ("Tenancy:Databases:1", Databases[1]));
        Single = await AppFixture.StartHost($"{Schema}_single", ShortOffers);
        await Single.ResetAllData();

        foreach (var batch in History().Chunk(40))
        {
            await Sharded.PostTouchpoints(batch);
            await Single.PostTouchpoints(batch);
        }
        await Task.WhenAll(CatchUpAsync(Sharded), CatchUpAsync(Single));
    }

    /// <summary>Every customer leads, signs up and buys; some call support, one churns, four ask to cancel (two get offers, which expire).</summary>
    private IEnumerable<Dictionary<string, object?>> History()
    {
        var categories = new[] { "rollers", "paint", "brushes" };
        for (var i = 0; i < Customers.Count; i++)
        {
            var (id, day) = (Customers[i], Start.AddDays(i));
            var (name, email) = ($"Client {(char)('A' + i)}{i:00}", $"client{i:00}@shard.example");
            yield return Of("lead-captured", id, day, new { name, email, source = "fair" }, $"{id}-lead");
            yield return Of("signed-up", id, day.AddDays(2), new { name, email, segment = i % 3 == 0 ? "pro" : "smb", channel = "web", acquisitionCost = 50m + i },
                $"{id}-signup");
            for (var p = 0; p <= i % 4; p++)
                yield return Of("purchase", id, day.AddDays(20 + 31 * p),
                    new { orderId = $"{id}-o{p}", amount = Amount(i) + 10 * p, margin = Amount(i) / 4, category = categories[(i + p) % 3] }, $"{id}-p{p}");
            if (i % 5 == 1) yield return Of("support-call", id, day.AddDays(40), new { durationMinutes = 10 + i, cost = 12m + i, reason = "invoice", resolved = true }, $"{id}-call");
            if (i == 23) yield return Of("churned", id, day.AddDays(200), new { reason = "moved away" }, $"{id}-churn");
        }
        foreach (var id in CancellingCustomers)
            yield return Of("cancellation-requested", id, DateTimeOffset.UtcNow.AddMinutes(-1), new { reason = "too expensive" }, $"{id}-cancel");
    }

    /// <summary>The first two customers are worth a retention offer, the others are not.</summary>
    private static decimal Amount(int customer) => customer < 2 ? 40_000m : 80m + 25 * customer;

    /// <summary>Until the offers (4 s) have expired and every projection and subscription has caught up, in every database.</summary>
    private async Task CatchUpAsync(IAlbaHost host)
    {
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var outcomes = new List<string>();
            foreach (var id in CancellingCustomers)
            {
                var retention = await host.GetJson($"/api/customers/{id}/retention");
                outcomes.Add(retention["state"]!.GetValue<string>() == "churned" ? "churned" : retention["pending"]?["decision"]?.GetValue<string>() ?? "pending");
            }
            var caughtUp = await IsCaughtUpAsync(store);
            if (outcomes.All(o => o is "churned" or "no-offer") && caughtUp) return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not settled within 90 s: retention {string.Join(", ", outcomes)}, projections caught up: {caughtUp}");
            await Task.Delay(500);
        }
    }

    /// <summary>Until every projection and subscription has caught up in every database of the host.</summary>
    public static async Task CaughtUpEverywhere(IAlbaHost host)
    {
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await IsCaughtUpAsync(store))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("projections not caught up in every database after 60 s");
            await Task.Delay(200);
        }
    }

    private static async Task<bool> IsCaughtUpAsync(IDocumentStore store)
    {
        var shards = ((StoreOptions)store.Options).Projections.AllShards().Select(s => s.Name.Identity).ToArray();
        foreach (var database in await store.Storage.AllDatabases())
        {
            var progress = await database.AllProjectionProgress();
            var head = await LogHead.HighWaterMarkAsync(database, store.Options.Events.DatabaseSchemaName, progress, default);
            // An empty log (head 0) has nothing to process, whether a shard has a position there yet or not.
            if (head > 0 && shards.Any(name => !progress.Any(p => p.ShardName == name && p.Sequence >= head))) return false;
        }
        return true;
    }

    public static string TestDatabaseName => new NpgsqlConnectionStringBuilder(NodeProcess.TestDatabase()).Database!;

    /// <summary>A database of the test server named after the test database, so that runs against their own databases never meet.</summary>
    public static string OwnDatabaseNamed(string suffix) => DatabaseNamed($"{TestDatabaseName}_{suffix}");

    public static string DatabaseNamed(string name) =>
        new NpgsqlConnectionStringBuilder(NodeProcess.TestDatabase()) { Database = name }.ConnectionString;

    public static Task RecreateAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        return OnServer($"drop database if exists {name} with (force)", $"create database {name}");
    }

    /// <summary>Drops a database a test made for itself, so that runs on a shared server leave none behind.</summary>
    public static Task DropAsync(string connectionString) =>
        OnServer($"drop database if exists {new NpgsqlConnectionStringBuilder(connectionString).Database} with (force)");

    private static async Task OnServer(params string[] statements)
    {
        await using var connection = new NpgsqlConnection(NodeProcess.TestDatabase());
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Posts the same body to both Hosts and answers both replies, the sharded one first.</summary>
    public async Task<(JsonNode Sharded, JsonNode Single)> PostToBoth(string url, object body, int expectedStatus) =>
        (await Sharded.PostJson(url, body, expectedStatus), await Single.PostJson(url, body, expectedStatus));

    public async Task<(JsonNode Sharded, JsonNode Single)> ImportToBoth(string csv, int expectedStatus)
    {
        async Task<JsonNode> Import(IAlbaHost host) => JsonNode.Parse(await (await host.Scenario(s =>
        {
            s.Post.Text(csv).ToUrl("/api/imports");
            s.WithRequestHeader("Content-Type", "text/csv");
            s.StatusCodeShouldBe(expectedStatus);
        })).ReadAsTextAsync())!;
        return (await Import(Sharded), await Import(Single));
    }

    /// <summary>The audit-verify command of the built Host, run over the sharded Host's databases.</summary>
    public Task<(int ExitCode, string Output, string Errors)> AuditVerify() => HostCommandLine.Run(new Dictionary<string, string>
    {
        ["Marten__Schema"] = Schema, ["Tenancy__Databases__0"] = Databases[0], ["Tenancy__Databases__1"] = Databases[1],
    }, "audit-verify");

    /// <summary>The customers whose streams are in the database, read from its events table.</summary>
    public async Task<string[]> StreamsIn(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select id from {Schema}.mt_streams where id not like 'system:%' order by id", connection);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetString(0));
        return [.. ids];
    }

    /// <summary>The highest event number in the database, read from its events table.</summary>
    public async Task<long> LastSequenceIn(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select coalesce(max(seq_id), 0) from {Schema}.mt_events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in new[] { Sharded, Single })
        {
            if (host is null) continue;
            await host.StopAsync();
            await host.DisposeAsync();
        }
        foreach (var database in Databases) await DropAsync(database);
    }
}

public sealed class ShardedReads() : TwoDatabases("eventcrm_sharded");

public sealed class ShardedWrites() : TwoDatabases("eventcrm_sharded_writes");

public sealed class ShardedRebuilds() : TwoDatabases("eventcrm_sharded_rebuilds");
