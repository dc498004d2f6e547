using System.Text.Json.Nodes;
using EventCrm.Host.Reliability;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Reliability.Support;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Reliability;

public sealed class OutOfStepRebuildHost() : SmallPoolHost("eventcrm_out_of_step_rebuild");

/// <summary>
/// The profiles' in-place rebuild locks streams as the writers do, so it can meet a pooled connection
/// whose prepared statements Npgsql lost track of (<see cref="PreparedStatementsOutOfStep"/>): it fails
/// on it, and it used to leave that connection and the others in the pool, for the next rebuild to fail
/// on. Now a rebuild failing so closes the node's pooled connections: the rebuild asked again completes.
/// </summary>
public class when_a_rebuild_meets_a_connection_out_of_step(OutOfStepRebuildHost app) : IClassFixture<OutOfStepRebuildHost>
{
    [Fact]
    public async Task it_fails_saying_so_and_the_rebuild_asked_again_completes()
    {
        var customers = Enumerable.Range(0, 3).Select(_ => Ids.Customer()).ToArray();
        await app.Host.PostTouchpoints(customers.Select(c => SignUp(c, Jan1)).ToArray());
        await OutOfStepConnections.LoseTrackOnEveryIdleConnection(app.Store, poolSize: 6);

        await app.Host.PostJson("/api/projections/CustomerProfile/rebuild", new { }, 202);
        var failed = await Ended();
        failed["lastRebuild"]!["state"]!.GetValue<string>().ShouldBe("failed");
        failed["lastRebuild"]!["error"]!.GetValue<string>().ShouldContain("26000");

        await app.Host.PostJson("/api/projections/CustomerProfile/rebuild", new { }, 202);
        var done = await RebuildWaits.UntilCompleted(app.Host, "CustomerProfile");
        done["lastRebuild"]!["customersRebuilt"]!.GetValue<long>().ShouldBe(3);
    }

    /// <summary>The status once the last rebuild is over, completed or failed.</summary>
    private async Task<JsonNode> Ended()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = await app.Host.GetJson("/api/projections/CustomerProfile");
            if (status["lastRebuild"]?["state"]?.GetValue<string>() is "completed" or "failed") return status;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"rebuild not over after 60 s: {status.ToJsonString()}");
            await Task.Delay(100);
        }
    }
}
