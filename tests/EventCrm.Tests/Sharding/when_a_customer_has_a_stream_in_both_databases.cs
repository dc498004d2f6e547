using System.Text.Json.Nodes;
using Alba;
using EventCrm.Host.Sharding;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Sharding;

/// <summary>
/// Two customers over two databases: Alma lives in db0, Bruno in db1. Then an insider writes into db1, by SQL, a stream for
/// Alma (a lead and a purchase of 50,000, numbered from db1's own sequence), which db1's sealer seals like any other, and
/// alters Bruno's purchase there once it is sealed.
/// </summary>
public sealed class StreamInBothDatabases : IAsyncLifetime
{
    public const string Schema = "eventcrm_misplaced";
    public string[] Databases { get; } = [TwoDatabases.OwnDatabaseNamed($"{Schema}_0"), TwoDatabases.OwnDatabaseNamed($"{Schema}_1")];
    public IAlbaHost Host { get; private set; } = null!;

    /// <summary>In db0 and db1 by the routing rule, and in that order by code point and by any collation: "aud-a" before "aud-b".</summary>
    public string Alma { get; } = Routed("aud-a", 0);
    public string Bruno { get; } = Routed("aud-b", 1);
    public const string BrunosPurchaseId = "aud-b-purchase";

    /// <summary>The numbers db1 gave the insider's two events, and Bruno's purchase there.</summary>
    public long ForgedLead { get; private set; }
    public long ForgedPurchase { get; private set; }
    public long BrunosPurchase { get; private set; }

    private static string Routed(string prefix, int database) =>
        Enumerable.Range(0, 100).Select(i => $"{prefix}-{i:00}").First(id => CustomerShardRule.DatabaseOf(id, 2) == database);

    public async ValueTask InitializeAsync()
    {
        foreach (var database in Databases) await TwoDatabases.RecreateAsync(database);
        Host = await AppFixture.StartHost(Schema, ("Tenancy:Databases:0", Databases[0]), ("Tenancy:Databases:1", Databases[1]));
        await Host.PostTouchpoints(new[]
        {
            Lead(Alma, Jan1), Purchase(Alma, Jan1.AddDays(3), amount: 100m, margin: 30m),
            Lead(Bruno, Jan1), Of("purchase", Bruno, Jan1.AddDays(4), new { orderId = "b-1", amount = 200m, margin = 60m, category = "paint" }, BrunosPurchaseId),
        });
        await TwoDatabases.CaughtUpEverywhere(Host);

        // Bruno's two events, copied under Alma's id with touchpoint ids of their own, the purchase at 50,000.
        var events = $"{Schema}.mt_events";
        await Execute($"insert into {Schema}.mt_streams (id, type, version, timestamp, created, tenant_id, is_archived) " +
                      $"select '{Alma}', type, 2, timestamp, created, tenant_id, false from {Schema}.mt_streams where id = '{Bruno}'");
        ForgedLead = await Forge(events, 1, "data");
        ForgedPurchase = await Forge(events, 2, "jsonb_set(data, '{amount}', '50000')");
        BrunosPurchase = await Scalar($"select seq_id from {events} where stream_id = '{Bruno}' and version = 2");
        await TwoDatabases.CaughtUpEverywhere(Host);
        await Execute($"update {events} set data = jsonb_set(data, '{{amount}}', '201') where stream_id = '{Bruno}' and version = 2");
    }

    /// <summary>One event of Bruno's, inserted as Alma's event of the same version: its number from db1's sequence.</summary>
    private Task<long> Forge(string events, int version, string data) => Scalar(
        $"insert into {events} (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived, headers) " +
        $"select nextval('{Schema}.mt_events_sequence'), gen_random_uuid(), '{Alma}', version, " +
        $"jsonb_set({data}, '{{touchpointId}}', to_jsonb('forged-{version}'::text)), type, timestamp, tenant_id, mt_dotnet_type, false, headers " +
        $"from {events} where stream_id = '{Bruno}' and version = {version} returning seq_id");

    private async Task Execute(string sql)
    {
        await using var connection = new NpgsqlConnection(Databases[1]);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        (await command.ExecuteNonQueryAsync()).ShouldBe(1, sql);
    }

    private async Task<long> Scalar(string sql)
    {
        await using var connection = new NpgsqlConnection(Databases[1]);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public Task<(int ExitCode, string Output, string Errors)> AuditVerify(params string[] flags) => HostCommandLine.Run(new Dictionary<string, string>
    {
        ["Marten__Schema"] = Schema, ["Tenancy__Databases__0"] = Databases[0], ["Tenancy__Databases__1"] = Databases[1],
    }, ["audit-verify", .. flags]);

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.StopAsync();
            await Host.DisposeAsync();
        }
        foreach (var database in Databases) await TwoDatabases.DropAsync(database);
    }
}

/// <summary>
/// A customer id has a stream in the database it routes to and another in the other database: the chain of each verifies, so
/// only the place tells. Each database numbers its own events, so every mismatch names its database.
/// </summary>
public sealed class when_a_customer_has_a_stream_in_both_databases(StreamInBothDatabases log) : IClassFixture<StreamInBothDatabases>
{
    /// <summary>Alma's stream in db1: 2 events there, and 2 in db0, where her id routes.</summary>
    private string Misplaced =>
        $"this stream is held by db1, but customer {log.Alma}'s id routes to db0, which holds its stream too (2 events): the service writes a customer's " +
        "events in the database its id routes to only, so these 2 events were written into db1 by other means. The customer's value, timeline and " +
        "audit read db0 alone; the portfolio and data quality, which add every database, count both";

    private const string Altered = "the event differs from what was sealed";

    [Fact]
    public async Task the_whole_log_check_reports_the_stream_naming_the_customer_and_both_databases()
    {
        var report = await log.Host.GetJson("/api/audit/verify");

        report["valid"]!.GetValue<bool>().ShouldBeFalse();
        var altered = report["altered"]!.AsArray();
        altered.Select(a => $"{a!["database"]} {a["customerId"]} routes to {a["routesTo"]}: {a["mismatchCount"]}")
            .ShouldBe([$"db1 {log.Alma} routes to db0: 1", $"db1 {log.Bruno} routes to db1: 1"]);
        Said(altered[0]!["firstMismatch"]!).ShouldBe($"{log.ForgedLead} v1 forged-1: {Misplaced}");
        Said(altered[1]!["firstMismatch"]!).ShouldBe($"{log.BrunosPurchase} v2 {StreamInBothDatabases.BrunosPurchaseId}: {Altered}");
    }

    [Fact]
    public async Task the_command_reports_it_and_names_the_database_on_each_line()
    {
        var (exit, output, _) = await log.AuditVerify("--all-sealed");

        exit.ShouldBe(1, output);
        output.ShouldNotContain("no mismatch");
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        lines.ShouldContain($"db1 {log.Alma}: sequence {log.ForgedLead} (version 1, touchpoint forged-1): {Misplaced}");
        lines.ShouldContain($"db1 {log.Bruno}: sequence {log.BrunosPurchase} (version 2, touchpoint {StreamInBothDatabases.BrunosPurchaseId}): {Altered}");
        output.ShouldContain("2 stream(s) altered");
    }

    [Fact]
    public async Task the_customers_audit_reports_the_copy_and_each_mismatch_names_its_database()
    {
        var alma = await log.Host.GetJson($"/api/customers/{log.Alma}/audit");
        var bruno = await log.Host.GetJson($"/api/customers/{log.Bruno}/audit");

        // Alma's own stream, in db0, is intact: her two events there verify.
        (alma["database"]!.GetValue<string>(), alma["valid"]!.GetValue<bool>(), alma["checked"]!.GetValue<int>(), alma["mismatchCount"]!.GetValue<int>())
            .ShouldBe(("db0", false, 2, 1));
        alma["mismatches"]!.AsArray().Select(m => $"{m!["database"]} {Said(m)}").ShouldBe([$"db1 {log.ForgedLead} v1 forged-1: {Misplaced}"]);
        alma["firstMismatch"]!["database"]!.GetValue<string>().ShouldBe("db1");
        (bruno["database"]!.GetValue<string>(), bruno["valid"]!.GetValue<bool>(), bruno["checked"]!.GetValue<int>()).ShouldBe(("db1", false, 1));
        bruno["mismatches"]!.AsArray().Select(m => $"{m!["database"]} {m["sequence"]} v{m["version"]}: {m["problem"]}")
            .ShouldBe([$"db1 {log.BrunosPurchase} v2: {Altered}"]);
        alma["dependsOn"]!.AsArray().Select(d => d!["database"]!.GetValue<string>()).ShouldBe(["db0", "db0"]);
        alma["databasesOut"].ShouldBeNull("db1 answered");
    }

    [Fact]
    public async Task a_replay_fails_naming_the_customer_and_both_databases_rather_than_count_her_twice()
    {
        var id = (await log.Host.PostJson("/api/replays", new { formula = "retention-ltv@0", asOf = "2025-06-30" }, 202))["id"]!.GetValue<string>();
        JsonNode run;
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(200))
        {
            run = await log.Host.GetJson($"/api/replays/{id}");
            if (run["state"]!.GetValue<string>() != "running") break;
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"replay {id} still running: {run.ToJsonString()}");
        }

        run["state"]!.GetValue<string>().ShouldBe("failed", run.ToJsonString());
        run["error"]!.GetValue<string>().ShouldStartWith($"Customer {log.Alma} has a stream in db1, but its id routes to db0: ");
    }

    private static string Said(JsonNode m) => $"{m["sequence"]} v{m["version"]} {m["touchpointId"]}: {m["problem"]}";
}
