using System.Diagnostics;
using System.Text.Json.Nodes;
using Alba;
using EventCrm.Host.Reliability;
using EventCrm.Host.Sharding;
using EventCrm.Tests.Reliability.Support;
using JsonArray = System.Text.Json.Nodes.JsonArray;
using EventCrm.Tests.Scaling;
using EventCrm.Tests.Support;
using Microsoft.Extensions.Logging;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Sharding;

/// <summary>
/// Customers over two databases; the Host reaches the second through a relay that can stop forwarding, as a
/// database process paused with SIGSTOP looks to its clients (connections taken, nothing answered), and the
/// scenario then also has that database refuse every session (as a stopped one does). The data team's
/// <c>GET /api/projections</c> failed whole for one database out; now it answers the other database's progress
/// and marks the one out. A search, which must read both, is refused with a 503 naming the database, the same
/// whether it says nothing or refuses: a paused database was answered "Database too slow" after the command
/// timeout, alternating with "Service unavailable", and its timeouts were logged with their stack traces.
/// </summary>
[Collection(FaultScenarios.Name)]
public class when_one_of_two_databases_says_nothing(ITestOutputHelper output)
{
    private const string Schema = "eventcrm_silent_database";

    [Fact]
    public async Task the_data_team_reads_the_other_databases_progress_and_a_search_is_refused_naming_the_database()
    {
        var prefix = new NpgsqlConnectionStringBuilder(NodeProcess.TestDatabase()).Database;
        var first = TwoDatabases.DatabaseNamed($"{prefix}_db_silent_0");
        var second = new NpgsqlConnectionStringBuilder(TwoDatabases.DatabaseNamed($"{prefix}_db_silent_1"));
        await TwoDatabases.RecreateAsync(first);
        await TwoDatabases.RecreateAsync(second.ConnectionString);
        await using var relay = StallingProxy.To(second);
        var logs = new CapturedLogs();
        var host = await AppFixture.StartHost(Schema, logs, ("Tenancy:Databases:0", first), ("Tenancy:Databases:1", relay.Through(second)));
        try
        {
            // Two customers of each database.
            var ids = Enumerable.Range(0, 1000).Select(_ => Ids.Customer()).ToList();
            var ofFirst = ids.Where(id => CustomerShardRule.DatabaseOf(id, 2) == 0).Take(2).ToList();
            var ofSecond = ids.Where(id => CustomerShardRule.DatabaseOf(id, 2) == 1).Take(2).ToList();
            foreach (var id in ofFirst.Concat(ofSecond)) await host.PostTouchpoints(SignUp(id, Jan1, name: $"Ada {id}", email: $"{id}@example.com"));
            await TwoDatabases.CaughtUpEverywhere(host);
            var before = (await host.GetJson("/api/projections")).AsArray();
            // The first database's log, read from its table: what its entries must say while the other is out.
            var firstHead = await HeadOf(first);

            var mark = logs.Mark();
            relay.Stall();

            var (status, projections, took) = await Get(host, "/api/projections");
            status.ShouldBe(200, projections?.ToJsonString());
            // Each database asked once, in parallel, for at most 3 s: not each projection's command timeout (30 s and more).
            output.WriteLine($"GET /api/projections with db1 silent: {status} in {took.TotalSeconds:0.0} s");
            took.ShouldBeLessThan(TimeSpan.FromSeconds(20));
            ShowsTheSecondOut(projections!.AsArray(), before, firstHead, "did not answer within 3 s");

            // The watch finds the database silent within its ping (3 s) and drops its idle sessions.
            await Task.Delay(TimeSpan.FromSeconds(5));
            var searches = new List<(int Status, JsonNode? Problem, TimeSpan Took, string? RetryAfter)>();
            for (var i = 0; i < 2; i++) searches.Add(await Refusal(host, "/api/customers?search=Ada"));
            foreach (var search in searches)
            {
                output.WriteLine($"GET /api/customers?search=Ada with db1 silent: {search.Status} in {search.Took.TotalSeconds:0.0} s");
                search.Status.ShouldBe(503, search.Problem?.ToJsonString());
                search.RetryAfter.ShouldBe("5");
                search.Problem!["title"]!.GetValue<string>().ShouldBe("Service unavailable", search.Problem.ToJsonString());
                search.Problem["detail"]!.GetValue<string>().ShouldStartWith("Database db1 of Tenancy:Databases is unavailable", customMessage: search.Problem.ToJsonString());
                // The connect timeout (3 s) once, not four times over (Marten's retries) nor a statement's timeout.
                search.Took.ShouldBeLessThan(TimeSpan.FromSeconds(10), search.Problem.ToJsonString());
            }
            // A customer of the first database is served all the while.
            (await host.GetJson($"/api/customers/{ofFirst[0]}"))["customerId"]!.GetValue<string>().ShouldBe(ofFirst[0]);

            var whileSilent = logs.Since(mark);
            var outageLines = whileSilent.Where(e => e.Category == typeof(DatabaseOutageLog).FullName).ToList();
            outageLines.ShouldContain(e => e.Level == LogLevel.Warning && e.Message.Contains($"database db1 of Tenancy:Databases (127.0.0.1:{relay.Port})"),
                string.Join(Environment.NewLine, outageLines.Select(e => e.Message)));
            outageLines.Count(e => e.Message.StartsWith("The service cannot reach", StringComparison.Ordinal)).ShouldBe(1, "the outage is told once");
            var traces = whileSilent.Where(e => e.Exception is { } x && DatabaseFaults.IsUnavailable(x)).ToList();
            traces.ShouldBeEmpty("entries logged with the database's error and its stack trace: " +
                string.Join(Environment.NewLine, traces.Select(e => $"{e.Level} {e.Category}: {e.Message} ({e.Exception!.GetType().Name}: {e.Exception.Message}; " +
                    $"thrown at {DatabaseFaults.Chain(e.Exception).Last().StackTrace?.Split('\n').FirstOrDefault()?.Trim()})")));

            relay.Resume();
            await Waits.Until(() => logs.Since(mark).Any(e => e.Category == typeof(DatabaseOutageLog).FullName
                && e.Message.StartsWith($"Database db1 of Tenancy:Databases (127.0.0.1:{relay.Port}) answers again", StringComparison.Ordinal)), TimeSpan.FromSeconds(60));
            var again = (await host.GetJson("/api/projections")).AsArray();
            again.ShouldAllBe(p => p!["databasesOut"] == null);
            again.ShouldAllBe(p => p!["databases"]!.AsArray().All(d => d!["reachable"]!.GetValue<bool>()));

            // Now the database refuses every session, as a stopped one does: the same answers.
            await Refuse(second.Database!, true);
            (status, projections, _) = await Get(host, "/api/projections");
            status.ShouldBe(200, projections?.ToJsonString());
            ShowsTheSecondOut(projections!.AsArray(), before, firstHead, "is not currently accepting connections");
            var refused = await Refusal(host, "/api/customers?search=Ada");
            refused.Status.ShouldBe(503, refused.Problem?.ToJsonString());
            refused.Problem!["detail"]!.GetValue<string>().ShouldStartWith("Database db1 of Tenancy:Databases is unavailable", customMessage: refused.Problem.ToJsonString());
            // A customer of the first database is audited all the while: db1, which could hold a stream of it written by other means, is named
            // as not looked in, not waited for.
            var audit = await host.GetJson($"/api/customers/{ofFirst[0]}/audit");
            (audit["database"]!.GetValue<string>(), audit["valid"]!.GetValue<bool>(), audit["checked"]!.GetValue<int>()).ShouldBe(("db0", true, 1));
            audit["databasesOut"]!.AsArray().Select(d => d!.GetValue<string>()).ShouldBe(["db1"]);
        }
        finally
        {
            relay.Resume();
            await Refuse(second.Database!, false);
            await host.StopAsync();
            await host.DisposeAsync();
            await TwoDatabases.DropAsync(first);
            await TwoDatabases.DropAsync(second.ConnectionString);
        }
    }

    /// <summary>Every projection answers the first database's progress as before the outage, and the second database as out, saying why.</summary>
    private static void ShowsTheSecondOut(JsonArray projections, JsonArray before, long firstHead, string why)
    {
        projections.Count.ShouldBe(before.Count);
        foreach (var projection in projections)
        {
            var name = projection!["name"]!.GetValue<string>();
            var shown = projection.ToJsonString();
            projection["databasesOut"]!.AsArray().Select(d => d!.GetValue<string>()).ShouldBe(["db1"], shown);
            var lifecycle = projection["lifecycle"]!.GetValue<string>();
            projection["state"]!.GetValue<string>().ShouldBe(lifecycle == "inline" ? "inline" : "unreachable", shown);
            projection["daemonRunning"].ShouldBeNull(shown);
            var databases = projection["databases"]!.AsArray();
            var (db0, db1) = (databases.Single(d => d!["database"]!.GetValue<string>() == "db0")!, databases.Single(d => d!["database"]!.GetValue<string>() == "db1")!);
            var db0Before = before.Single(p => p!["name"]!.GetValue<string>() == name)!["databases"]!.AsArray()
                .Single(d => d!["database"]!.GetValue<string>() == "db0")!;
            // The first database's entry: as before the outage (nothing was appended since), and its head is the last event in its table.
            db0["reachable"]!.GetValue<bool>().ShouldBeTrue(shown);
            db0["error"].ShouldBeNull(shown);
            db0["highWaterMark"]!.GetValue<long>().ShouldBe(firstHead, shown);
            db0.ToJsonString().ShouldBe(db0Before.ToJsonString(), shown);
            // The sums are those of the database that answered, and the one left out is named beside them.
            projection["highWaterMark"]!.GetValue<long>().ShouldBe(firstHead, shown);
            db1["reachable"]!.GetValue<bool>().ShouldBeFalse(shown);
            db1["state"]!.GetValue<string>().ShouldBe("unreachable", shown);
            db1["position"].ShouldBeNull(shown);
            db1["highWaterMark"].ShouldBeNull(shown);
            db1["error"]!.GetValue<string>().ShouldContain(why, Case.Insensitive, shown);
            db1["error"]!.GetValue<string>().ShouldNotContain("   at ", customMessage: "a stack trace in the answer");
        }
    }

    private static async Task<long> HeadOf(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select coalesce(max(seq_id), 0) from {Schema}.mt_events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The database takes no session (as a stopped one), its open sessions ended; or takes them again.</summary>
    private static async Task Refuse(string database, bool refuse)
    {
        await using var connection = new NpgsqlConnection(NodeProcess.TestDatabase());
        await connection.OpenAsync();
        foreach (var sql in refuse
                     ? new[] { $"alter database {database} allow_connections false", $"select pg_terminate_backend(pid) from pg_stat_activity where datname = '{database}'" }
                     : [$"alter database {database} allow_connections true"])
        {
            await using var command = new NpgsqlCommand(sql, connection);
            try
            {
                await command.ExecuteNonQueryAsync();
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
            {
                // already dropped
            }
        }
    }

    private static async Task<(int Status, JsonNode? Body, TimeSpan Took)> Get(IAlbaHost host, string url)
    {
        var (status, body, took, _) = await Refusal(host, url);
        return (status, body, took);
    }

    private static async Task<(int Status, JsonNode? Problem, TimeSpan Took, string? RetryAfter)> Refusal(IAlbaHost host, string url)
    {
        var watch = Stopwatch.StartNew();
        var result = await host.Scenario(s =>
        {
            s.Get.Url(url);
            s.IgnoreStatusCode();
        }).WaitAsync(TimeSpan.FromSeconds(90));
        var took = watch.Elapsed;
        var text = await result.ReadAsTextAsync();
        return (result.Context.Response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null, took, result.Context.Response.Headers.RetryAfter.FirstOrDefault());
    }
}
