using System.Text.Json.Nodes;
using EventCrm.Host.Reliability;
using EventCrm.Host.Replays;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Reliability.Support;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Reliability;

public sealed class OutOfStepReplayHost() : SmallPoolHost("eventcrm_out_of_step_replay");

/// <summary>
/// A replay meeting a pooled connection whose prepared statements Npgsql lost track of
/// (<see cref="PreparedStatementsOutOfStep"/>) was recorded <c>failed</c> with the 26000 error and left
/// the connection in the pool, for the replay asked again to fail on. Now it closes the node's pooled
/// connections and runs again at once, on fresh ones, from its checkpoint (<see cref="ReplayEngine"/>).
/// </summary>
public class when_a_replay_meets_a_connection_out_of_step(OutOfStepReplayHost app) : IClassFixture<OutOfStepReplayHost>
{
    [Fact]
    public async Task it_closes_the_pool_runs_again_at_once_and_completes_each_customer_once()
    {
        var customers = Enumerable.Range(0, 3).Select(_ => Ids.Customer()).ToArray();
        await app.Host.PostTouchpoints(customers.SelectMany(c => new[] { SignUp(c, Jan1), Purchase(c, Jan1.AddDays(10), 100m, 30m) }).ToArray());
        var broken = await OutOfStepConnections.LoseTrackOnEveryIdleConnection(app.Store, poolSize: 6, () =>
        [
            // ReplayStorage.ProgressAsync, the run's first read of its checkpoint, as Npgsql sends it: @id, text.
            new NpgsqlBatchCommand("select max(customer_id), coalesce(sum(events), 0), count(*), count(not_computable) " +
                                   $"from {app.Schema}.{ReplayStorage.TableName} where replay_id = $1") { Parameters = { new NpgsqlParameter { Value = "" } } },
        ]);
        var mark = app.Captured.Mark();

        var id = (await app.Host.PostJson("/api/replays", new { formula = "retention-ltv@0", asOf = "2025-12-31" }, 202))["id"]!.GetValue<string>();
        var run = await Ended(id);

        run["state"]!.GetValue<string>().ShouldBe("completed", run.ToJsonString());
        // Three customers of two touchpoints each: 3 x 2 = 6 events, each customer's results written once.
        run["eventsDone"]!.GetValue<long>().ShouldBe(6);
        run["customersDone"]!.GetValue<long>().ShouldBe(3);
        (await DataCommandLine.Count($"select count(*) from {app.Schema}.{ReplayStorage.TableName} where replay_id = '{id}'")).ShouldBe(3);
        app.Captured.Since(mark).ShouldContain(e => e.Category == typeof(ReplayEngine).FullName
            && e.Message.Contains("lost track of its prepared statements") && e.Message.Contains("attempt 2 of 3"));
        // Every connection broken above was closed: none of their server processes is left.
        await Waits.Until(async () => await OutOfStepConnections.StillOpen(broken) == 0, TimeSpan.FromSeconds(10));
    }

    private async Task<JsonNode> Ended(string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var run = await app.Host.GetJson($"/api/replays/{id}");
            if (run["state"]!.GetValue<string>() != "running") return run;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"replay not over after 60 s: {run.ToJsonString()}");
            await Task.Delay(100);
        }
    }
}
