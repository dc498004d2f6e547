using EventCrm.Host.Replays;
using EventCrm.Relationship.Value;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Replays;

/// <summary>
/// A replay whose node was killed stays `running`, its `eventsDone` frozen, until another node
/// takes it over (minutes: Wolverine's leader first has to find the node gone and recover its
/// message). `GET /api/replays/{id}` says which node computes it now (the session holding the
/// replay's lock, PostgreSQL frees it with the killed node's session) and when it last progressed:
/// `computedBy` null is the operator's sign that nothing computes it. The scenario records a running
/// replay no node computes (as a killed node leaves it), then holds its lock from a session named
/// as a node names its sessions.
/// </summary>
public class when_the_node_computing_a_replay_is_gone(when_the_node_computing_a_replay_is_gone.Host host)
    : IClassFixture<when_the_node_computing_a_replay_is_gone.Host>
{
    public sealed class Host() : SchemaHost("eventcrm_replay_node");

    private static readonly DateTimeOffset LastProgress = new(2026, 12, 7, 8, 15, 30, TimeSpan.Zero);

    [Fact]
    public async Task it_shows_running_with_no_node_computing_it_and_when_it_last_progressed()
    {
        var id = await RecordRunningReplay();

        var replay = await host.Host.GetJson($"/api/replays/{id}");

        replay["state"]!.GetValue<string>().ShouldBe("running");
        replay["eventsDone"]!.GetValue<long>().ShouldBe(400);
        replay["computedBy"].ShouldBeNull();
        replay["lastProgressAt"]!.GetValue<DateTimeOffset>().ShouldBe(LastProgress);
        // No node computes it: no time of arrival to promise.
        replay["eta"].ShouldBeNull();
    }

    [Fact]
    public async Task it_names_the_node_whose_session_holds_the_replay()
    {
        var id = await RecordRunningReplay();
        await using var nodeB = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Connection()) { ApplicationName = "eventcrm-b", Pooling = false }.ConnectionString);
        await nodeB.OpenAsync();
        (await ReplayStorage.TryTakeAsync(nodeB, id, CancellationToken.None)).ShouldBeTrue();

        var replay = await host.Host.GetJson($"/api/replays/{id}");
        var listed = (await host.Host.GetJson("/api/replays?state=running"))["items"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == id)!;

        replay["computedBy"]!.GetValue<string>().ShouldBe("eventcrm-b");
        listed["computedBy"]!.GetValue<string>().ShouldBe("eventcrm-b");
    }

    private async Task<string> RecordRunningReplay()
    {
        var id = $"replay-{Guid.NewGuid():N}";
        var formula = new FormulaChoice("simple-clv", 0, new Dictionary<string, decimal>());
        await using var session = host.Store.LightweightSession();
        session.Store(new ReplayRun
        {
            Id = id, Formula = formula, LiveFormula = formula, AsOf = LastProgress, HighWater = 1_000, EventsTotal = 1_000,
            EventsDone = 400, EventsPerSecond = 2_000, StartedAt = LastProgress.AddSeconds(-1), UpdatedAt = LastProgress,
            // A service's run (asked over HTTP): its message is redelivered, so it waits `running` (a command's would read `interrupted`).
            Queued = true,
        });
        await session.SaveChangesAsync();
        return id;
    }

    private static string Connection() => Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm")!;
}
