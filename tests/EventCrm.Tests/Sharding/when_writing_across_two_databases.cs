using System.Text.Json.Nodes;
using EventCrm.Host.Sharding;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Sharding;

/// <summary>Every write goes to both Hosts, which must then answer alike; the sharded one must also have written where the customer lives.</summary>
public sealed partial class when_writing_across_two_databases(ShardedWrites bases) : IClassFixture<ShardedWrites>
{
    /// <summary>The fixture, for the scenarios of this class in other files (a primary constructor's parameter is seen in its own part only).</summary>
    private ShardedWrites Bases => bases;

    private static readonly DateTimeOffset May = new(2025, 5, 2, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Two new customer ids, the first living in the first database and the second in the second.</summary>
    private static (string First, string Second) OnePerDatabase(string prefix)
    {
        var ids = Enumerable.Range(0, 100).Select(i => $"{prefix}-{i}").ToList();
        return (ids.First(id => CustomerShardRule.DatabaseOf(id, 2) == 0), ids.First(id => CustomerShardRule.DatabaseOf(id, 2) == 1));
    }

    [Fact]
    public async Task a_batch_spanning_both_databases_is_appended_in_each_and_a_repeat_appends_nothing()
    {
        var (first, second) = OnePerDatabase("span");
        var batch = new[] { SignUp(first, May), Purchase(first, May.AddDays(1)), SignUp(second, May), SupportCall(second, May.AddDays(2)) };

        var created = await bases.PostToBoth("/api/touchpoints", batch, 201);
        var repeated = await bases.PostToBoth("/api/touchpoints", batch, 200);

        created.ShouldBeAlike("receipts of the first post");
        repeated.ShouldBeAlike("receipts of the repeat");
        (await bases.StreamsIn(bases.Databases[0])).ShouldContain(first);
        (await bases.StreamsIn(bases.Databases[1])).ShouldContain(second);
        foreach (var id in new[] { first, second }) await bases.ShouldAnswerAlike($"/api/customers/{id}/timeline");
    }

    [Fact]
    public async Task a_refused_touchpoint_refuses_the_whole_batch_in_both_databases()
    {
        var (first, second) = OnePerDatabase("refused");
        // The second database's customer reuses the touchpoint id of a first-database customer's signup.
        var taken = bases.Customers.First(id => CustomerShardRule.DatabaseOf(id, 2) == 0);
        var batch = new[] { SignUp(first, May), Of("signed-up", second, May, new { name = "B", email = "b@x.example", segment = "smb", channel = "web", acquisitionCost = 1m }, $"{taken}-signup") };

        var refused = await bases.PostToBoth("/api/touchpoints", batch, 409);

        refused.ShouldBeAlike("the refusal");
        (await bases.StreamsIn(bases.Databases[0])).ShouldNotContain(first);
        (await bases.StreamsIn(bases.Databases[1])).ShouldNotContain(second);
    }

    [Fact]
    public async Task a_race_lost_in_the_second_database_after_the_first_committed_names_what_was_written()
    {
        var (existing, fresh) = OnePerDatabase("late");
        await bases.PostToBoth("/api/touchpoints", SignUp(existing, May), 201);
        // Another writer is signing the new customer up in the second database and has not committed.
        await using var other = new NpgsqlConnection(bases.Databases[1]);
        await other.OpenAsync();
        var transaction = await other.BeginTransactionAsync();
        await Execute(other, $"insert into {bases.Schema}.mt_streams (id, version) values (@id, 1)", fresh);
        await Execute(other, $"insert into {bases.Schema}.mt_doc_customerprofile (id, data, mt_version, mt_dotnet_type) " +
                             "values (@id, jsonb_build_object('id', @id, 'version', 1, 'hasSignedUp', true), 1, 'other writer')", fresh);

        var purchase = Purchase(existing, May.AddDays(1));
        var posting = bases.Sharded.Scenario(x =>
        {
            x.Post.Json(new[] { purchase, SignUp(fresh, May) }).ToUrl("/api/touchpoints");
            x.IgnoreStatusCode();
        });
        // The post commits the purchase in the first database, then waits for the other writer in the second.
        await LockWaits.UntilBlockedBy(other.ProcessID, connectionString: bases.Databases[1]);
        await transaction.CommitAsync();
        var answer = await posting;

        answer.Context.Response.StatusCode.ShouldBe(409);
        var detail = JsonNode.Parse(await answer.ReadAsTextAsync())!["detail"]!.GetValue<string>();
        detail.ShouldContain($"[0] {purchase["touchpointId"]}");
        detail.ShouldNotContain("Nothing was appended");
        (await bases.Sharded.TimelineEntries(existing)).Count.ShouldBe(2);

        // The other writer's rows were only there to race: gone, and the reference gets the purchase too.
        await Execute(other, $"delete from {bases.Schema}.mt_doc_customerprofile where id = @id; delete from {bases.Schema}.mt_streams where id = @id", fresh);
        await bases.Single.PostTouchpoints(purchase);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, string id)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task an_import_spreads_its_customers_and_a_second_import_of_the_file_appends_nothing()
    {
        var (first, second) = OnePerDatabase("imported");
        var file = new HistoryFile().SignUp(first, "2024-05-01T10:00:00Z", id: $"{first}-s").SignUp(second, "2024-05-01T11:00:00Z", id: $"{second}-s")
            .Purchase(second, "2024-06-01T10:00:00Z", id: $"{second}-p").ToString();

        var once = await bases.ImportToBoth(file, 201);
        var twice = await bases.ImportToBoth(file, 200);

        once.Sharded["imported"]!.GetValue<int>().ShouldBe(3);
        twice.Sharded["repeated"]!.GetValue<int>().ShouldBe(3);
        (await bases.StreamsIn(bases.Databases[0])).ShouldContain(first);
        (await bases.StreamsIn(bases.Databases[1])).ShouldContain(second);
        foreach (var id in new[] { first, second }) await bases.ShouldAnswerAlike($"/api/customers/{id}/value?asOf=2025-01-01");
    }

    [Fact]
    public async Task an_erasure_in_the_second_database_leaves_no_trace_there_and_the_audit_still_verifies()
    {
        var customer = bases.Customers.First(id => CustomerShardRule.DatabaseOf(id, 2) == 1);
        var email = (await bases.Sharded.GetJson($"/api/customers/{customer}"))["email"]!.GetValue<string>();

        var erased = await bases.PostToBoth($"/api/customers/{customer}/erasure", new { }, 200);

        erased.ShouldBeAlike("the erasure");
        (await RowsMentioning(bases.Databases[1], email)).ShouldBe(0);
        (await bases.Sharded.GetJson($"/api/customers/{customer}/audit"))["valid"]!.GetValue<bool>().ShouldBeTrue();
        await bases.ShouldAnswerAlike($"/api/customers/{customer}/value?asOf=2025-06-30");
    }

    [Fact]
    public async Task a_customer_of_the_second_database_is_audited_with_the_formulas_of_the_home_database()
    {
        var customer = bases.Customers.First(id => CustomerShardRule.DatabaseOf(id, 2) == 1);
        await bases.PostToBoth("/api/formulas", new { name = "simple-clv", parameters = new { lifetimeYears = 6m } }, 201);
        await TwoDatabases.CaughtUpEverywhere(bases.Sharded);
        await bases.Single.Services.GetRequiredService<IDocumentStore>().CatchUp();

        var (sharded, single) = (await bases.Sharded.GetJson($"/api/customers/{customer}/audit"), await bases.Single.GetJson($"/api/customers/{customer}/audit"));

        sharded["valid"]!.GetValue<bool>().ShouldBeTrue();
        // The registry lives in the home database only: read where the customer lives, it would be empty.
        sharded["dependsOn"]![0]!["checked"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(1);
        (sharded["dependsOn"]!, single["dependsOn"]!).ShouldBeAlike("the streams the value depends on");
    }

    [Fact]
    public async Task a_new_formula_a_refit_and_a_replay_see_the_customers_of_both_databases()
    {
        var parameters = new { lifetimeYears = 4m };
        var registered = await bases.PostToBoth("/api/formulas", new { name = "simple-clv", parameters }, 201);
        await bases.PostToBoth("/api/models/refit", new { asOf = "2025-06-30" }, 201);
        var formula = $"simple-clv@{registered.Sharded["version"]!.GetValue<int>()}";

        registered.ShouldBeAlike("the registration");
        await bases.ShouldAnswerAlike("/api/models/current");
        await bases.ShouldAnswerAlike($"/api/customers/{bases.Customers[5]}/value?asOf=2025-06-30&formula={formula}");
        var sharded = await Completed(bases.Sharded, formula);
        var single = await Completed(bases.Single, formula);
        sharded["eventsTotal"]!.GetValue<long>().ShouldBe(single["eventsTotal"]!.GetValue<long>());
        sharded["eventsDone"]!.GetValue<long>().ShouldBe(sharded["eventsTotal"]!.GetValue<long>());
        foreach (var id in bases.Customers)
            (await bases.Sharded.GetJson($"/api/replays/{sharded["id"]}/customers/{id}"), await bases.Single.GetJson($"/api/replays/{single["id"]}/customers/{id}"))
                .ShouldBeAlike(id);
        (await bases.Sharded.GetJson($"/api/replays/{sharded["id"]}/diff?pageSize=100"), await bases.Single.GetJson($"/api/replays/{single["id"]}/diff?pageSize=100"))
            .ShouldBeAlike("the diff against the live values");

        // Listed and deleted as with one database (the results live in the home database).
        (await bases.Sharded.GetJson($"/api/replays?formula={formula}"))["items"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ShouldContain(sharded["id"]!.GetValue<string>());
        await bases.Sharded.Scenario(s => { s.Delete.Url($"/api/replays/{sharded["id"]}"); s.StatusCodeShouldBe(204); });
        await bases.Sharded.GetJson($"/api/replays/{sharded["id"]}/customers/{bases.Customers[0]}", 404);
    }

    [Fact]
    public async Task the_export_holds_the_events_of_both_databases_each_in_its_own_order()
    {
        var sharded = await Lines(bases.Sharded);
        var single = await Lines(bases.Single);

        // Alike, not equal: a retention assessment values the customer at its own moment, which is not
        // the same second in the two Hosts (a current value of 15,670.97 against 15,670.98 once).
        var (shardedEvents, singleEvents) = (sharded.OrderBy(Event, StringComparer.Ordinal).ToList(), single.OrderBy(Event, StringComparer.Ordinal).ToList());
        shardedEvents.Select(Event).ShouldBe(singleEvents.Select(Event));
        for (var i = 0; i < shardedEvents.Count; i++) (shardedEvents[i], singleEvents[i]).ShouldBeAlike(Event(shardedEvents[i]));
        var byDatabase = sharded.Where(e => !e["customerId"]!.GetValue<string>().StartsWith("system:"))
            .GroupBy(e => CustomerShardRule.DatabaseOf(e["customerId"]!.GetValue<string>(), 2)).ToList();
        byDatabase.Count.ShouldBe(2);
        foreach (var database in byDatabase) database.Select(e => e["sequence"]!.GetValue<long>()).ShouldBeInOrder(SortDirection.Ascending);
    }

    [Fact]
    public async Task health_projections_and_keys_answer_over_both_databases()
    {
        (await bases.Sharded.GetJson("/health"))["status"]!.GetValue<string>().ShouldBe("healthy");
        var projections = await bases.Sharded.GetJson("/api/projections");
        projections.ToJsonString().ShouldContain("CustomerLedger");
        var key = await bases.Sharded.PostJson("/api/keys", new { name = "desk", roles = new[] { "desk" } }, 201);
        var read = await bases.Sharded.Scenario(s =>
        {
            s.Get.Url($"/api/customers/{bases.Customers.Last()}");
            s.WithRequestHeader(AppFixture.ApiKeyHeader, key["key"]!.GetValue<string>());
            s.StatusCodeShouldBe(200);
        });
        read.ReadAsJson<JsonObject>()!["customerId"]!.GetValue<string>().ShouldBe(bases.Customers.Last());
    }

    [Fact]
    public async Task audit_verify_checks_both_databases_and_finds_an_event_altered_in_the_second()
    {
        var (exitBefore, before, _) = await bases.AuditVerify();
        var victim = bases.Customers.Where(id => CustomerShardRule.DatabaseOf(id, 2) == 1).Skip(1).First();
        var purchase = $"{bases.Schema}.mt_events where stream_id = '{victim}' and type = 'purchase' and version = 3";
        await Execute(bases.Databases[1], $"update {purchase.Replace(" where ", " set data = jsonb_set(data, '{amount}', to_jsonb((data->>'amount')::numeric + 1)) where ")}");
        var (exitAfter, after, _) = await bases.AuditVerify();
        // Put the row back as it was: the other scenarios compare this Host's figures with the single-database one.
        await Execute(bases.Databases[1], $"update {purchase.Replace(" where ", " set data = jsonb_set(data, '{amount}', to_jsonb((data->>'amount')::numeric - 1)) where ")}");

        exitBefore.ShouldBe(0, before);
        exitAfter.ShouldNotBe(0, after);
        after.ShouldContain(victim);
    }

    [Fact]
    public async Task an_anchor_covers_each_database_and_tells_which_one_changed()
    {
        await TwoDatabases.CaughtUpEverywhere(bases.Sharded);
        await bases.Single.Services.GetRequiredService<IDocumentStore>().CatchUp();
        var anchor = await bases.Sharded.GetJson("/api/audit/anchor");
        var databases = anchor["databases"]!.AsArray();
        databases.Select(d => d!["database"]!.GetValue<string>()).ShouldBe(["db0", "db1"]);
        var singleSeals = (await bases.Single.GetJson("/api/audit/anchor"))["databases"]![0]!["seals"]!.GetValue<long>();
        databases.Sum(d => d!["seals"]!.GetValue<long>()).ShouldBe(singleSeals, "the same history is sealed once, over the two databases");

        var victim = bases.Customers.First(id => CustomerShardRule.DatabaseOf(id, 2) == 1);
        var seal = $"{bases.Schema}.audit_seals where stream_id = '{victim}' and version = 1";
        await Execute(bases.Databases[1], $"update {seal.Replace(" where ", " set hash = reverse(hash) where ")}");
        var check = await bases.Sharded.PostJson("/api/audit/anchor/verify", anchor, 200);
        await Execute(bases.Databases[1], $"update {seal.Replace(" where ", " set hash = reverse(hash) where ")}");

        check["valid"]!.GetValue<bool>().ShouldBeFalse();
        check["databases"]!.AsArray().Select(d => d!["valid"]!.GetValue<bool>()).ShouldBe([true, false]);
        (await bases.Sharded.PostJson("/api/audit/anchor/verify", anchor, 200))["valid"]!.GetValue<bool>().ShouldBeTrue("the seal is back as it was");
    }

    /// <summary>Which event a line is: its stream and version, the same in both Hosts.</summary>
    private static string Event(JsonNode e) => $"{e["customerId"]} v{e["version"]}";

    private static async Task<List<JsonNode>> Lines(Alba.IAlbaHost host)
    {
        var text = (await host.Scenario(s => s.Get.Url("/api/events"))).ReadAsText();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
    }

    private static async Task<JsonNode> Completed(Alba.IAlbaHost host, string formula)
    {
        var id = (await host.PostJson("/api/replays", new { formula, asOf = "2025-06-30" }, 202))["id"]!.GetValue<string>();
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(200))
        {
            var run = await host.GetJson($"/api/replays/{id}");
            if (run["state"]!.GetValue<string>() != "running") return run;
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"replay {id} still running: {run.ToJsonString()}");
        }
    }

    private async Task<long> RowsMentioning(string database, string text)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select (select count(*) from {bases.Schema}.mt_events e where e::text like '%' || @t || '%') + " +
            $"(select count(*) from {bases.Schema}.mt_doc_customerprofile d where d::text like '%' || @t || '%')", connection);
        command.Parameters.AddWithValue("t", text);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task Execute(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        (await command.ExecuteNonQueryAsync()).ShouldBeGreaterThan(0);
    }
}
