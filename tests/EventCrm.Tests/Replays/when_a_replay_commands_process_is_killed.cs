using EventCrm.Host.Replays;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Replays;

/// <summary>
/// A `replay` command killed half-way (kill -9) leaves its run stored `running`: no message of the
/// service's queue will redeliver it, and a rerun over a log that grew since is another replay. Its
/// state reads `interrupted` (no session holds its lock, and it has not moved for a minute), with the
/// command that finishes it; `replay --resume ID` does, after the last customer written; asked again
/// over HTTP on the same log, the service takes it over. Each scenario runs a command's replay and
/// cancels its engine once the first chunk of 250 customers is written, as a killed process leaves it
/// (the results committed, the lock gone with the session), then dates its last progress two minutes back.
/// </summary>
public class when_a_replay_commands_process_is_killed(when_a_replay_commands_process_is_killed.Host host)
    : IClassFixture<when_a_replay_commands_process_is_killed.Host>
{
    public sealed class Host() : KilledReplayHost("eventcrm_replay_killed");

    // 600 customers x 2 touchpoints; the first chunk: 250 customers x 2.
    private const long AllEvents = 1_200;
    private const long FirstChunkEvents = 500;

    [Fact]
    public async Task its_run_reads_interrupted_with_the_command_that_finishes_it()
    {
        var id = await KilledAfterTheFirstChunk(new DateTimeOffset(2025, 6, 30, 0, 0, 0, TimeSpan.Zero));

        var replay = await host.Host.GetJson($"/api/replays/{id}");
        var interrupted = (await host.Host.GetJson("/api/replays?state=interrupted"))["items"]!.AsArray().Select(r => r!["id"]!.GetValue<string>());
        var running = (await host.Host.GetJson("/api/replays?state=running"))["items"]!.AsArray().Select(r => r!["id"]!.GetValue<string>());

        replay["state"]!.GetValue<string>().ShouldBe("interrupted");
        replay["customersDone"]!.GetValue<int>().ShouldBe(250);
        replay["eventsDone"]!.GetValue<long>().ShouldBe(FirstChunkEvents);
        replay["computedBy"].ShouldBeNull();
        replay["eta"].ShouldBeNull();
        replay["error"]!.GetValue<string>().ShouldContain($"`replay --resume {id}`");
        interrupted.ShouldContain(id);
        running.ShouldNotContain(id);
    }

    [Fact]
    public async Task it_reads_running_while_a_process_holds_it()
    {
        var id = await KilledAfterTheFirstChunk(new DateTimeOffset(2025, 5, 31, 0, 0, 0, TimeSpan.Zero));
        await using var command = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Connection()) { ApplicationName = "replay-command", Pooling = false }.ConnectionString);
        await command.OpenAsync();
        (await ReplayStorage.TryTakeAsync(command, id, CancellationToken.None)).ShouldBeTrue();

        var replay = await host.Host.GetJson($"/api/replays/{id}");

        replay["state"]!.GetValue<string>().ShouldBe("running");
        replay["computedBy"]!.GetValue<string>().ShouldBe("replay-command");
        replay["error"].ShouldBeNull();
    }

    [Fact]
    public async Task asked_again_over_http_on_the_same_log_the_service_takes_it_over()
    {
        var id = await KilledAfterTheFirstChunk(new DateTimeOffset(2025, 7, 31, 0, 0, 0, TimeSpan.Zero));

        var again = await host.Host.PostJson("/api/replays", new { formula = "simple-clv@0", asOf = "2025-07-31T00:00:00Z" }, 202);

        again["id"]!.GetValue<string>().ShouldBe(id);
        again["isNew"]!.GetValue<bool>().ShouldBeTrue();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var run = await host.Host.GetJson($"/api/replays/{id}");
        while (run["state"]!.GetValue<string>() != "completed" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            run = await host.Host.GetJson($"/api/replays/{id}");
        }
        run["state"]!.GetValue<string>().ShouldBe("completed");
        run["eventsDone"]!.GetValue<long>().ShouldBe(AllEvents);
        run["customersDone"]!.GetValue<int>().ShouldBe(600);
    }

    private Task<string> KilledAfterTheFirstChunk(DateTimeOffset asOf) => host.KilledAfterTheFirstChunk(asOf);

    private static string Connection() => Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm")!;
}

/// <summary>600 customers, each signed up and buying once: 1,200 touchpoints, three chunks of (at most) 250 customers.</summary>
public abstract class KilledReplayHost(string schema) : SchemaHost(schema)
{
    protected override async Task SeedAsync()
    {
        var batch = new List<Dictionary<string, object?>>();
        for (var i = 0; i < 600; i++)
        {
            batch.Add(SignUp($"k-{i:D4}", Jan1, $"Customer {i:D4}", $"k{i:D4}@example.com"));
            batch.Add(Purchase($"k-{i:D4}", Jan1.AddDays(10 + i % 50), amount: 100m + i));
            if (batch.Count >= 800) { await Host.PostTouchpoints(batch.ToArray()); batch.Clear(); }
        }
        if (batch.Count > 0) await Host.PostTouchpoints(batch.ToArray());
    }

    /// <summary>A command's replay whose engine is cancelled once its first chunk is written, as a killed process leaves it; its last progress dated two minutes back.</summary>
    public async Task<string> KilledAfterTheFirstChunk(DateTimeOffset asOf)
    {
        var requests = Host.Services.GetRequiredService<ReplayRequests>();
        var engine = Host.Services.GetRequiredService<ReplayEngine>();
        string id;
        await using (var session = Store.LightweightSession())
        {
            var (run, _) = await requests.StartAsync(session, new("simple-clv", 0, new Dictionary<string, decimal>()), asOf, default, queued: false);
            await session.SaveChangesAsync();
            id = run.Id;
        }
        using var kill = new CancellationTokenSource();
        await Should.ThrowAsync<OperationCanceledException>(() => engine.RunAsync(id, _ => kill.Cancel(), kill.Token));
        await using (var session = Store.LightweightSession())
        {
            var left = (await session.LoadAsync<ReplayRun>(id))!;
            session.Store(left with { UpdatedAt = left.UpdatedAt.AddMinutes(-2) });
            await session.SaveChangesAsync();
        }
        return id;
    }

}

/// <summary>
/// The same `replay` command run again once the log has grown (ingestion goes on) asks for another
/// replay: it says which earlier one of the same formula and date was interrupted and how to finish it,
/// and `replay --resume ID` finishes that one over the log it was asked over. A schema of its own: the
/// customer added here would change the other scenarios' counts.
/// </summary>
public class when_a_replay_command_is_run_again_after_a_kill(when_a_replay_command_is_run_again_after_a_kill.Host host)
    : IClassFixture<when_a_replay_command_is_run_again_after_a_kill.Host>
{
    public sealed class Host() : KilledReplayHost(SchemaName)
    {
        public const string SchemaName = "eventcrm_replay_rerun";
    }

    // 600 customers x 2 touchpoints.
    private const long AllEvents = 1_200;

    [Fact]
    public async Task a_rerun_on_a_grown_log_offers_it_and_resume_finishes_it_after_the_last_customer_written()
    {
        var id = await host.KilledAfterTheFirstChunk(new DateTimeOffset(2025, 8, 31, 0, 0, 0, TimeSpan.Zero));
        // Ingestion goes on: the same command now asks for another replay (another end of log).
        await host.Host.PostTouchpoints(new[] { SignUp("z-0001", Jan1.AddDays(3)) });
        var environment = new Dictionary<string, string> { ["Marten__Schema"] = Host.SchemaName };

        var (rerunExit, rerunOutput, rerunErrors) = await HostCommandLine.Run(environment, "replay", "--formula", "simple-clv@0", "--as-of", "2025-08-31T00:00:00Z");
        var (exit, output, errors) = await HostCommandLine.Run(environment, "replay", "--resume", id);

        rerunExit.ShouldBe(0, rerunErrors + rerunOutput);
        rerunErrors.ShouldContain($"replay {id} of simple-clv@0");
        rerunErrors.ShouldContain($"`replay --resume {id}` finishes it");
        // The new replay covers the grown log: 601 customers.
        rerunOutput.ShouldContain("of 601 customers differ");
        exit.ShouldBe(0, errors + output);
        output.ShouldContain(id);
        // The resumed replay covers the log it was asked over: 600 customers, none written twice.
        output.ShouldContain("of 600 customers differ");
        var finished = await host.Host.GetJson($"/api/replays/{id}");
        finished["state"]!.GetValue<string>().ShouldBe("completed");
        finished["eventsDone"]!.GetValue<long>().ShouldBe(AllEvents);
        finished["customersDone"]!.GetValue<int>().ShouldBe(600);
    }

}
