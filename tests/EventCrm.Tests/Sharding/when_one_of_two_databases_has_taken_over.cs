using System.Text.Json.Nodes;
using Alba;
using EventCrm.Host.Sharding;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Sharding;

/// <summary>
/// A blue/green rebuild over two databases whose second one's take-over waits on a long read of its live table, the
/// first one's done. Until 2026-12-08 the first database then showed "rebuilding" at position 0 (its new build's progress
/// row no longer being what it serves from) and the projection's position fell to the second database's alone. Now a
/// database that has taken over says `taken-over`, at its live position, the new build's.
/// </summary>
public sealed class when_one_of_two_databases_has_taken_over : IAsyncLifetime
{
    private static readonly string Schema = $"eventcrm_sharded_takeover_{System.Environment.ProcessId}";
    private static readonly string[] Databases = [TwoDatabases.OwnDatabaseNamed("takeover_0"), TwoDatabases.OwnDatabaseNamed("takeover_1")];
    private static readonly string[] Customers = ["take-a", "take-b", "take-c", "take-d", "take-e", "take-f", "take-g", "take-h"];
    private const string Status = "/api/projections/SpendByCategory";
    private IAlbaHost _node = null!;

    public async ValueTask InitializeAsync()
    {
        foreach (var database in Databases) await TwoDatabases.RecreateAsync(database);
        // The swap of the held database keeps trying while the test reads the status.
        _node = await AppFixture.StartHost(Schema, ("Tenancy:Databases:0", Databases[0]), ("Tenancy:Databases:1", Databases[1]), ("Rebuilds:SwapTriesFor", "00:02:00"));
        await _node.PostTouchpoints(Customers.SelectMany((id, i) => new[] { SignUp(id, Jan1.AddDays(i)), Purchase(id, Jan1.AddDays(i + 1), 100m + i) }).ToArray());
        await TwoDatabases.CaughtUpEverywhere(_node);
    }

    [Fact]
    public async Task the_database_that_took_over_keeps_its_position_and_says_so()
    {
        Customers.Select(id => CustomerShardRule.DatabaseOf(id, 2)).Distinct().Count().ShouldBe(2, "customers in both databases");
        var before = await _node.GetJson(Status);
        var heads = before["databases"]!.AsArray().Select(d => d!["highWaterMark"]!.GetValue<long>()).ToArray();
        heads.ShouldAllBe(h => h > 0);

        // A long read of the second database's live table: its swap waits, the first database's is done.
        await using var reader = new NpgsqlConnection(Databases[1]);
        await reader.OpenAsync();
        await using var read = await reader.BeginTransactionAsync();
        await using (var count = new NpgsqlCommand($"select count(*) from {Schema}.mt_doc_spendcell", reader, read)) await count.ExecuteScalarAsync();
        await _node.PostJson($"{Status}/rebuild", new { }, 202);
        await Waits.Until(() => SwapWaits(Databases[1]), TimeSpan.FromSeconds(90));

        var status = await _node.GetJson(Status);
        await read.CommitAsync();

        status["state"]!.GetValue<string>().ShouldBe("rebuilding");
        var each = status["databases"]!.AsArray().Select(d => (d!["database"]!.GetValue<string>(), d["state"]!.GetValue<string>(), d["position"]!.GetValue<long>())).ToList();
        // Nothing appended meanwhile: each database's build is at its head, the first one's now serving.
        each.ShouldBe([("db0", "taken-over", heads[0]), ("db1", "rebuilding", heads[1])]);
        status["position"]!.GetValue<long>().ShouldBe(heads[0] + heads[1]);

        await Waits.Until(async () => (await _node.GetJson(Status))["lastRebuild"]!["state"]!.GetValue<string>() == "completed", TimeSpan.FromSeconds(90));
        var after = await _node.GetJson(Status);
        after["databases"]!.AsArray().Select(d => d!["state"]!.GetValue<string>()).ShouldBe(["caught-up", "caught-up"]);
    }

    /// <summary>A session of the database waits on the live table's lock: the swap's try.</summary>
    private static async Task<bool> SwapWaits(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select exists (select 1 from pg_locks where not granted and relation = to_regclass('{Schema}.mt_doc_spendcell'))", connection);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        foreach (var database in Databases) await TwoDatabases.DropAsync(database);
    }
}
