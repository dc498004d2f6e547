using System.Text.Json.Nodes;
using EventCrm.Host.Replays;
using EventCrm.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Replays;

public class when_replaying_under_a_formula(ReplayHost replays) : IClassFixture<ReplayHost>
{
    private async Task<JsonNode> Completed(string formula, string? asOf = "2025-12-31")
    {
        // Without an asOf, the field is left out: null is refused (docs/api.md).
        var started = await replays.Host.PostJson("/api/replays", asOf is null ? new { formula } : new { formula, asOf }, 202);
        var id = started["id"]!.GetValue<string>();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var run = await replays.Host.GetJson($"/api/replays/{id}");
            if (run["state"]!.GetValue<string>() != "running") return run;
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"replay {id} still running: {run.ToJsonString()}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task a_replay_covers_every_event_and_the_same_request_is_not_computed_twice()
    {
        var run = await Completed("simple-clv@0");

        run["state"]!.GetValue<string>().ShouldBe("completed");
        run["eventsTotal"]!.GetValue<long>().ShouldBe(ReplayHost.Events);
        run["eventsDone"]!.GetValue<long>().ShouldBe(ReplayHost.Events);
        run["eventsPerSecond"]!.GetValue<double>().ShouldBeGreaterThan(0);
        run["eta"].ShouldBeNull();   // nothing left to wait for
        run["completedAt"]!.GetValue<DateTimeOffset>().ShouldBeGreaterThanOrEqualTo(run["startedAt"]!.GetValue<DateTimeOffset>());
        var again = await replays.Host.PostJson("/api/replays", new { formula = "simple-clv@0", asOf = "2025-12-31" }, 202);
        again["id"]!.GetValue<string>().ShouldBe(run["id"]!.GetValue<string>());
        again["isNew"]!.GetValue<bool>().ShouldBeFalse();
        var answered = await replays.Host.Scenario(s =>
        {
            s.Post.Json(new { formula = "simple-clv@0", asOf = "2025-12-31" }).ToUrl("/api/replays");
            s.StatusCodeShouldBe(202);
        });
        answered.Context.Response.Headers.Location.ToString().ShouldBe($"/api/replays/{run["id"]!.GetValue<string>()}");
    }

    [Fact]
    public async Task the_same_new_request_twice_at_once_is_computed_once()
    {
        var request = new { formula = "simple-clv@0", asOf = "2025-11-30" };

        var both = await Task.WhenAll(replays.Host.PostJson("/api/replays", request, 202), replays.Host.PostJson("/api/replays", request, 202));
        var run = await Completed(request.formula, request.asOf);

        both[1]["id"]!.GetValue<string>().ShouldBe(both[0]["id"]!.GetValue<string>());
        run["state"]!.GetValue<string>().ShouldBe("completed");
        run["eventsDone"]!.GetValue<long>().ShouldBe(ReplayHost.Events);
        var diff = await replays.Host.GetJson($"/api/replays/{run["id"]}/diff");
        diff["customers"]!.GetValue<long>().ShouldBe(ReplayHost.Customers);
    }

    [Fact]
    public async Task a_diff_asked_badly_or_against_a_replay_not_made_is_a_problem_naming_why()
    {
        var run = await Completed("simple-clv@0", "2025-10-31");
        var diff = $"/api/replays/{run["id"]}/diff";

        (await replays.Host.GetJson($"{diff}?page=0", 400)).ErrorKeys().ShouldBe(["page"]);
        (await replays.Host.GetJson($"{diff}?pageSize=501", 400)).ErrorKeys().ShouldBe(["pageSize"]);
        // The whole value sent is quoted: until 2026-12-07 "against '' is not a version", the empty part after the last @.
        (await replays.Host.GetJson($"{diff}?against=bad@@", 400))["detail"]!.GetValue<string>()
            .ShouldStartWith("against 'bad@@' is not \"name@version\": the version after the @ must be a whole number");
        (await replays.Host.GetJson($"{diff}?against=no-such-formula@9", 404))["detail"]!.GetValue<string>().ShouldContain("no-such-formula@9");
        // No replay of waland-cole@0 as of 2025-10-31 over this log: nothing to compare with yet.
        (await replays.Host.GetJson($"{diff}?against=waland-cole@0", 409))["detail"]!.GetValue<string>().ShouldContain("POST /api/replays");
        await replays.Host.GetJson("/api/replays/replay-unknown/diff", 404);
    }

    [Fact]
    public async Task a_diff_against_the_replays_own_formula_compares_it_with_itself_and_finds_nothing_changed()
    {
        var run = await Completed("simple-clv@0", "2025-10-31");

        var diff = await replays.Host.GetJson($"/api/replays/{run["id"]}/diff?against=simple-clv@0&pageSize=500");

        diff["against"]!.GetValue<string>().ShouldBe("simple-clv@0");
        diff["customers"]!.GetValue<long>().ShouldBe(ReplayHost.Customers);
        diff["changed"]!.GetValue<long>().ShouldBe(0);
        diff["tierChanges"]!.GetValue<long>().ShouldBe(0);
        diff["items"]!.AsArray().Count.ShouldBe(ReplayHost.Customers);
        diff["items"]!.AsArray().ShouldAllBe(item => item!["difference"]!.GetValue<decimal>() == 0m);
    }

    [Fact]
    public async Task a_replay_under_the_formula_in_force_gives_exactly_the_live_values()
    {
        var run = await Completed("retention-ltv@0");
        var id = run["id"]!.GetValue<string>();

        foreach (var customer in new[] { "r-0000", "r-0001", "r-0150", "r-0299" })
        {
            var replayed = await replays.Host.GetJson($"/api/replays/{id}/customers/{customer}");
            var live = await replays.Host.GetJson($"/api/customers/{customer}/value?asOf=2025-12-31");
            replayed["value"]!["current"]!.GetValue<decimal>().ShouldBe(live["current"]!.GetValue<decimal>());
            replayed["value"]!["historical"]!.ToJsonString().ShouldBe(live["historical"]!.ToJsonString());
            replayed["value"]!["tier"]!.GetValue<string>().ShouldBe(live["tier"]!.GetValue<string>());
        }
        var diff = await replays.Host.GetJson($"/api/replays/{id}/diff");
        diff["changed"]!.GetValue<long>().ShouldBe(0);
    }

    [Fact]
    public async Task a_customer_read_has_the_shape_of_the_live_value_and_its_history()
    {
        var run = await Completed("simple-clv@0");

        var replayed = await replays.Host.GetJson($"/api/replays/{run["id"]}/customers/r-0003");

        // r-0003: signup, two purchases (103 and 53), a support call: four points.
        replayed["history"]!.AsArray().Count.ShouldBe(4);
        replayed["value"]!["historical"]!["revenue"]!.GetValue<decimal>().ShouldBe(156m);
        replayed["value"]!["formula"]!["name"]!.GetValue<string>().ShouldBe("simple-clv");
        await replays.Host.GetJson($"/api/replays/{run["id"]}/customers/nobody", 404);
        await replays.Host.GetJson("/api/replays/replay-unknown", 404);
    }

    [Fact]
    public async Task a_customers_replayed_history_is_read_a_page_at_a_time_as_the_live_one_is()
    {
        var run = await Completed("simple-clv@0");
        var url = $"/api/replays/{run["id"]}/customers/r-0003?order=newest&pageSize=2";

        var latest = await replays.Host.GetJson(url);
        var first = await replays.Host.GetJson($"{url}&page=2");
        var refused = await replays.Host.GetJson($"/api/replays/{run["id"]}/customers/r-0003?pageSize=1001", 400);

        // r-0003's revenue after its signup, its purchases of 103 and 53 and its support call: 0, 103, 156, 156.
        latest["history"]!.AsArray().Select(p => p!["revenue"]!.GetValue<decimal>()).ShouldBe([156m, 156m]);
        first["history"]!.AsArray().Select(p => p!["revenue"]!.GetValue<decimal>()).ShouldBe([103m, 0m]);
        (latest["total"]!.GetValue<int>(), latest["value"]!["touchpointsCounted"]!.GetValue<int>()).ShouldBe((4, 4));
        refused["detail"]!.GetValue<string>().ShouldBe("pageSize must be between 1 and 1,000");
    }

    [Fact]
    public async Task the_diff_lists_customers_by_the_size_of_their_difference_with_the_live_values()
    {
        // Another scenario of the class may have registered the same version: it is then answered (200), not copied.
        var run = await Completed(await replays.Host.RegisterFormula("simple-clv", new { averageOrderValue = 100m, purchasesPerYear = 4m, lifetimeYears = 5m }));

        var diff = await replays.Host.GetJson($"/api/replays/{run["id"]}/diff?pageSize=5");

        var items = diff["items"]!.AsArray();
        items.Count.ShouldBe(5);
        var sizes = items.Select(i => Math.Abs(i!["difference"]!.GetValue<decimal>())).ToArray();
        sizes.ShouldBe(sizes.OrderByDescending(s => s).ToArray());
        var first = items[0]!;
        // Every active customer is worth 100 x 4 x 5 = 2,000 under this version; the live value is the formula in force.
        first["replayed"]!.GetValue<decimal>().ShouldBe(2000m);
        var live = await replays.Host.GetJson($"/api/customers/{first["customerId"]}/value?asOf=2025-12-31");
        first["against"]!.GetValue<decimal>().ShouldBe(live["current"]!.GetValue<decimal>());
        first["difference"]!.GetValue<decimal>().ShouldBe(2000m - live["current"]!.GetValue<decimal>());
        diff["customers"]!.GetValue<long>().ShouldBe(ReplayHost.Customers);
    }

    /// <summary>The differences listed opaque ids alone: an auditor had to open each customer to know who it was.</summary>
    [Fact]
    public async Task the_diff_names_each_customer_beside_its_id()
    {
        var run = await Completed("simple-clv@0");

        var items = (await replays.Host.GetJson($"/api/replays/{run["id"]}/diff?pageSize=500"))["items"]!.AsArray();

        // The seed names r-0000 "Customer 0000", r-0001 "Customer 0001" and so on: the name is the id's number after "Customer ".
        items.Count.ShouldBe(ReplayHost.Customers);
        items.ShouldAllBe(item => item!["name"]!.GetValue<string>() == "Customer " + item["customerId"]!.GetValue<string>().Substring(2));
    }

    [Theory]
    [InlineData("2025-12-31")]
    [InlineData(null)] // each as of the moment it is asked for
    public async Task a_replay_is_diffed_against_another_formulas_replay_of_the_same_log(string? asOf)
    {
        var formula = await replays.Host.RegisterFormula("simple-clv", new { averageOrderValue = 100m, purchasesPerYear = 4m, lifetimeYears = 5m });
        var run = await Completed(formula, asOf);
        var other = await Completed("simple-clv@0", asOf);

        var diff = await replays.Host.GetJson($"/api/replays/{run["id"]}/diff?against=simple-clv@0&pageSize=5");

        diff["customers"]!.GetValue<long>().ShouldBe(ReplayHost.Customers);
        var first = diff["items"]!.AsArray()[0]!;
        // 100 x 4 x 5 = 2,000 for every active customer under the new version; the other side is that customer's own replayed value.
        first["replayed"]!.GetValue<decimal>().ShouldBe(2000m);
        var theirs = await replays.Host.GetJson($"/api/replays/{other["id"]}/customers/{first["customerId"]}");
        first["against"]!.GetValue<decimal>().ShouldBe(theirs["value"]!["current"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task a_page_past_the_last_one_has_no_items_and_the_same_totals()
    {
        var run = await Completed("simple-clv@0");
        var first = await replays.Host.GetJson($"/api/replays/{run["id"]}/diff?pageSize=5");

        // Up to the deepest page GET /api/customers answers (one further is a 400: when_an_auditor_pages_through_replays).
        foreach (var page in new[] { 1_000, 1_000_000 })
        {
            var past = await replays.Host.GetJson($"/api/replays/{run["id"]}/diff?pageSize=500&page={page}");
            past["items"]!.AsArray().ShouldBeEmpty();
            past["customers"]!.GetValue<long>().ShouldBe(ReplayHost.Customers);
            past["changed"]!.GetValue<long>().ShouldBe(first["changed"]!.GetValue<long>());
            past["tierChanges"]!.GetValue<long>().ShouldBe(first["tierChanges"]!.GetValue<long>());
        }
    }

    [Fact]
    public async Task an_interrupted_replay_resumes_after_the_last_customer_it_wrote()
    {
        var store = replays.Store;
        var requests = replays.Host.Services.GetRequiredService<ReplayRequests>();
        var engine = replays.Host.Services.GetRequiredService<ReplayEngine>();
        string id;
        await using (var session = store.LightweightSession())
        {
            var (run, _) = await requests.StartAsync(session, new("waland-cole", 0, new Dictionary<string, decimal>()), new DateTimeOffset(2025, 6, 30, 0, 0, 0, TimeSpan.Zero), default);
            await session.SaveChangesAsync();
            id = run.Id;
        }
        using var crash = new CancellationTokenSource();

        // The first chunk is written, then the process "dies".
        await Should.ThrowAsync<OperationCanceledException>(() => engine.RunAsync(id, _ => crash.Cancel(), crash.Token));
        var interrupted = await replays.Host.GetJson($"/api/replays/{id}");
        interrupted["state"]!.GetValue<string>().ShouldBe("running");
        interrupted["eventsDone"]!.GetValue<long>().ShouldBeLessThan(ReplayHost.Events);

        await engine.RunAsync(id, null, default);

        var resumed = await replays.Host.GetJson($"/api/replays/{id}");
        resumed["state"]!.GetValue<string>().ShouldBe("completed");
        resumed["eventsDone"]!.GetValue<long>().ShouldBe(ReplayHost.Events);
        (await replays.Host.GetJson($"/api/replays/{id}/diff"))["customers"]!.GetValue<long>().ShouldBe(ReplayHost.Customers);
    }

    [Fact]
    public async Task the_replay_command_prints_a_progress_and_the_diff_summary()
    {
        var (exit, output, errors) = await HostCommandLine.Run(new Dictionary<string, string> { ["Marten__Schema"] = ReplayHost.SchemaName },
            "replay", "--formula", "waland-cole@0", "--as-of", "2025-03-31");

        exit.ShouldBe(0, errors + output);
        output.ShouldContain($"of {ReplayHost.Customers} customers differ from the live values");
        output.ShouldContain($"of {ReplayHost.Events:N0} events");
        // To a pipe, whole lines from 0% to 100% (Spectre's stopped short of it, at its last refresh).
        var progress = errors.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("Replaying under")).ToList();
        progress.First().ShouldBe("Replaying under waland-cole@0: 0%");
        progress.Last().ShouldBe("Replaying under waland-cole@0: 100%");
    }

    [Fact]
    public async Task the_replay_command_says_on_its_error_output_which_formula_it_does_not_know()
    {
        var (exit, output, errors) = await HostCommandLine.Run(new Dictionary<string, string> { ["Marten__Schema"] = ReplayHost.SchemaName },
            "replay", "--formula", "astrology@1");

        exit.ShouldNotBe(0);
        errors.ShouldContain("replay: --formula: no formula 'astrology@1' is registered");
        output.ShouldNotContain("astrology");
    }

    [Fact]
    public async Task the_replay_command_follows_the_same_replay_running_elsewhere_instead_of_running_it_twice()
    {
        string id;
        await using (var session = replays.Store.LightweightSession())
        {
            // Started elsewhere a moment ago (a service's engine), still running.
            var (run, _) = await replays.Host.Services.GetRequiredService<ReplayRequests>()
                .StartAsync(session, new("simple-clv", 0, new Dictionary<string, decimal>()), new DateTimeOffset(2024, 2, 29, 0, 0, 0, TimeSpan.Zero), default);
            await session.SaveChangesAsync();
            id = run.Id;
        }

        // The command's connections carry a name of their own, for the test to see when it has read the run.
        var follower = $"replay-follower-{Guid.NewGuid():N}"[..30];
        var connectionString = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm")) { ApplicationName = follower };
        var command = HostCommandLine.Run(new Dictionary<string, string> { ["Marten__Schema"] = ReplayHost.SchemaName, ["ConnectionStrings__EventCrm"] = connectionString.ToString() },
            "replay", "--formula", "simple-clv@0", "--as-of", "2024-02-29T00:00:00Z");
        // Once its first statement on the runs has begun, it reads this one still running (a fixed 5 s pause
        // let a slow start read it completed, and the command then had nothing to follow). Then a while
        // for a command that ran the replay itself, instead of following, to write its results.
        await UntilTheCommandReadsTheRuns(follower);
        await Task.Delay(TimeSpan.FromSeconds(3));
        await using (var session = replays.Store.LightweightSession())
        {
            var running = (await session.LoadAsync<ReplayRun>(id))!;
            session.Store(running with { State = ReplayStates.Completed, CompletedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            await session.SaveChangesAsync();
        }
        var (exit, output, errors) = await command;

        exit.ShouldBe(0, errors + output);
        output.ShouldContain(id);
        // The engine elsewhere had written nothing yet, and the command wrote nothing either.
        (await replays.Host.GetJson($"/api/replays/{id}/diff"))["customers"]!.GetValue<long>().ShouldBe(0);
    }

    private static async Task UntilTheCommandReadsTheRuns(string applicationName)
    {
        await using var watching = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await watching.OpenAsync();
        await using var reading = new NpgsqlCommand(
            "select count(*) from pg_stat_activity where application_name = @name and query like @runs", watching);
        reading.Parameters.AddWithValue("name", applicationName);
        reading.Parameters.AddWithValue("runs", $"%{ReplayHost.SchemaName}.mt_doc_replayrun%");
        await Waits.Until(async () => (long)(await reading.ExecuteScalarAsync())! > 0, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task a_finished_replay_is_listed_then_deleted_with_its_results_and_can_be_asked_for_again()
    {
        var older = await Completed("waland-cole@0", "2025-08-31");
        var run = await Completed("waland-cole@0", "2025-09-30");
        var id = run["id"]!.GetValue<string>();

        var listed = await replays.Host.GetJson("/api/replays?formula=waland-cole@0&state=completed");
        var ids = listed["items"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ToList();
        ids.ShouldContain(id);
        ids.IndexOf(id).ShouldBeLessThan(ids.IndexOf(older["id"]!.GetValue<string>()));   // newest first
        listed["items"]!.AsArray().ShouldAllBe(r => r!["formula"]!.GetValue<string>() == "waland-cole@0" && r["state"]!.GetValue<string>() == "completed");
        (await ResultRows(id)).ShouldBe(ReplayHost.Customers);

        await replays.Host.Scenario(s => { s.Delete.Url($"/api/replays/{id}"); s.StatusCodeShouldBe(204); });

        (await ResultRows(id)).ShouldBe(0);
        await replays.Host.GetJson($"/api/replays/{id}", 404);
        await replays.Host.GetJson($"/api/replays/{id}/customers/r-0001", 404);
        (await replays.Host.GetJson("/api/replays?formula=waland-cole")).ToJsonString().ShouldNotContain(id);
        (await replays.Host.GetJson($"/api/replays/{older["id"]}"))["state"]!.GetValue<string>().ShouldBe("completed");
        await replays.Host.Scenario(s => { s.Delete.Url($"/api/replays/{id}"); s.StatusCodeShouldBe(404); });
        var again = await replays.Host.PostJson("/api/replays", new { formula = "waland-cole@0", asOf = "2025-09-30" }, 202);
        again["id"]!.GetValue<string>().ShouldBe(id);
        again["isNew"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task a_replay_is_not_deleted_under_the_engine_computing_it_but_one_left_running_is()
    {
        string id;
        await using (var session = replays.Store.LightweightSession())
        {
            // Started by a command that was then stopped: `running`, and no engine on it any more.
            var (run, _) = await replays.Host.Services.GetRequiredService<ReplayRequests>()
                .StartAsync(session, new("simple-clv", 0, new Dictionary<string, decimal>()), new DateTimeOffset(2024, 6, 30, 0, 0, 0, TimeSpan.Zero), default);
            await session.SaveChangesAsync();
            id = run.Id;
        }
        await using (var engine = replays.Store.Storage.Database.CreateConnection())
        {
            // An engine computing it holds the replay's lock for as long as it runs.
            await engine.OpenAsync();
            (await ReplayStorage.TryTakeAsync(engine, id, default)).ShouldBeTrue();

            var refused = await replays.Host.Scenario(s => { s.Delete.Url($"/api/replays/{id}"); s.StatusCodeShouldBe(409); });

            JsonNode.Parse(await refused.ReadAsTextAsync())!["detail"]!.GetValue<string>().ShouldContain("is being computed");
            (await replays.Host.GetJson($"/api/replays/{id}"))["state"]!.GetValue<string>().ShouldBe("running");
            (await replays.Host.GetJson("/api/replays?state=running"))["items"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ShouldContain(id);
            await ReplayStorage.ReleaseAsync(engine, id);
        }

        await replays.Host.Scenario(s => { s.Delete.Url($"/api/replays/{id}"); s.StatusCodeShouldBe(204); });

        await replays.Host.GetJson($"/api/replays/{id}", 404);
    }

    [Fact]
    public async Task the_list_pages_newest_first_and_a_bare_name_lists_every_version()
    {
        var versioned = await replays.Host.RegisterFormula("retention-ltv", new { retentionRate = 0.7m, discountRate = 0.1m });
        var first = (await Completed("retention-ltv@0", "2025-04-30"))["id"]!.GetValue<string>();
        var second = (await Completed(versioned, "2025-04-30"))["id"]!.GetValue<string>();
        var third = (await Completed(versioned, "2025-05-31"))["id"]!.GetValue<string>();

        var all = await replays.Host.GetJson("/api/replays?formula=retention-ltv&pageSize=200");
        var ids = all["items"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ToList();
        ids.ShouldContain(first);
        ids.IndexOf(third).ShouldBeLessThan(ids.IndexOf(second));
        ids.IndexOf(second).ShouldBeLessThan(ids.IndexOf(first));

        var onePerPage = new List<string>();
        for (var page = 1; page <= 2; page++)
        {
            var shown = await replays.Host.GetJson($"/api/replays?formula={versioned}&pageSize=1&page={page}");
            shown["total"]!.GetValue<long>().ShouldBe(2);
            onePerPage.Add(shown["items"]!.AsArray().Single()!["id"]!.GetValue<string>());
        }
        onePerPage.ShouldBe([third, second]);
        (await replays.Host.GetJson($"/api/replays?formula={versioned}&pageSize=1&page=3"))["items"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task the_list_refuses_a_filter_or_page_it_cannot_read()
    {
        (await replays.Host.GetJson("/api/replays?state=done", 400)).ErrorKeys().ShouldBe(["state"]);
        (await replays.Host.GetJson("/api/replays?formula=simple-clv@latest", 400)).ErrorKeys().ShouldBe(["formula"]);
        (await replays.Host.GetJson("/api/replays?pageSize=201", 400)).ErrorKeys().ShouldBe(["pageSize"]);
        (await replays.Host.GetJson("/api/replays?page=0", 400)).ErrorKeys().ShouldBe(["page"]);
        var none = await replays.Host.GetJson("/api/replays?formula=astrology");
        none["total"]!.GetValue<long>().ShouldBe(0);
        none["items"]!.AsArray().ShouldBeEmpty();
    }

    private async Task<long> ResultRows(string replayId)
    {
        await using var connection = replays.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var count = new Npgsql.NpgsqlCommand($"select count(*) from {ReplayHost.SchemaName}.replay_values where replay_id = @id", connection);
        count.Parameters.AddWithValue("id", replayId);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task a_replay_needs_a_known_formula_in_its_form_and_a_readable_date()
    {
        await replays.Host.PostJson("/api/replays", new { formula = "astrology@1" }, 404);
        (await replays.Host.PostJson("/api/replays", new { asOf = "2025-01-01" }, 400)).ErrorKeys().ShouldBe(["formula"]);
        (await replays.Host.PostJson("/api/replays", new { formula = "simple-clv@latest" }, 400)).ErrorKeys().ShouldBe(["formula"]);
        (await replays.Host.PostJson("/api/replays", new { formula = "simple-clv@0", asOf = "end of year" }, 400)).ErrorKeys().ShouldBe(["asOf"]);
    }

    [Theory]
    [InlineData("04/01/2025")]
    [InlineData("2025-05")]
    [InlineData("2025-12-31+01:00")]
    [InlineData("2025-12-31T10:00:00.12345678Z")]
    public async Task a_replay_date_in_any_spelling_but_the_iso_forms_is_refused_and_starts_nothing(string asOf)
    {
        var before = (await replays.Host.GetJson("/api/replays"))["total"]!.GetValue<long>();

        var problem = await replays.Host.PostJson("/api/replays", new { formula = "simple-clv@0", asOf }, 400);

        problem.ErrorKeys().ShouldBe(["asOf"]);
        problem["errors"]!["asOf"]![0]!.GetValue<string>().ShouldContain("yyyy-MM-dd");
        (await replays.Host.GetJson("/api/replays"))["total"]!.GetValue<long>().ShouldBe(before);
    }

    [Fact]
    public async Task the_replay_command_refuses_a_day_to_come_before_it_starts_anything()
    {
        var dayAfterTomorrow = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd");

        var (exit, output, errors) = await HostCommandLine.Run(new Dictionary<string, string> { ["Marten__Schema"] = ReplayHost.SchemaName },
            "replay", "--formula", "simple-clv@0", "--as-of", dayAfterTomorrow);

        exit.ShouldNotBe(0);
        (errors + output).ShouldContain($"--as-of: '{dayAfterTomorrow}' must not be after today");
    }

    [Fact]
    public async Task a_replay_as_of_a_day_to_come_is_refused_and_starts_nothing()
    {
        var before = (await replays.Host.GetJson("/api/replays"))["total"]!.GetValue<long>();
        // Two days ahead: still after today should the test run across midnight.
        var dayAfterTomorrow = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd");

        var problem = await replays.Host.PostJson("/api/replays", new { formula = "simple-clv@0", asOf = dayAfterTomorrow }, 400);

        problem.ErrorKeys().ShouldBe(["asOf"]);
        problem["errors"]!["asOf"]![0]!.GetValue<string>().ShouldContain("must not be after today");
        (await replays.Host.GetJson("/api/replays"))["total"]!.GetValue<long>().ShouldBe(before);
    }
}
