using EventCrm.Host.Reliability;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Reliability.Support;
using EventCrm.Tests.Retention;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;

namespace EventCrm.Tests.Reliability;

public sealed class OutOfStepDeskHost() : SmallPoolHost("eventcrm_out_of_step_desk");

/// <summary>
/// Background work meeting a pooled connection whose prepared statements Npgsql lost track of
/// (<see cref="PreparedStatementsOutOfStep"/>): a desk step (the assessment of a request to cancel)
/// failed with 26000 on it, left the connection in the pool for the next step to fail on, and the
/// request stayed unassessed ("assessing"). Now the step closes the node's pooled connections and
/// runs again at once, on a fresh one (<see cref="OutOfStepMessageRetries"/>), as a request does.
/// </summary>
public class when_a_desk_step_meets_a_connection_out_of_step(OutOfStepDeskHost app) : IClassFixture<OutOfStepDeskHost>
{
    private Task<long> EventsOf(string customer) =>
        DataCommandLine.Count($"select count(*) from {app.Schema}.mt_events where stream_id = '{customer}'");

    [Fact]
    public async Task the_step_closes_the_pool_and_its_next_attempt_assesses_the_request()
    {
        // Beta: a signup, three purchases and two support calls, which offer nothing (RetentionClients).
        var beta = await RetentionClients.Beta(app.Host);
        await app.Store.CatchUp();
        var coordinator = app.Host.Services.GetRequiredService<IProjectionCoordinator>();

        // The request to cancel is stored while the daemon is paused, so that its assessment runs only
        // once every idle connection of the pool has lost track of the stream lock's statements.
        await coordinator.PauseAsync();
        try
        {
            await RetentionClients.RequestCancellation(app.Host, beta);
            (await EventsOf(beta)).ShouldBe(6 + 1);
            await OutOfStepConnections.LoseTrackOnEveryIdleConnection(app.Store, poolSize: 6);
        }
        finally
        {
            await coordinator.ResumeAsync();
        }
        var mark = app.Captured.Mark();

        // Read on a connection of the test's own, not of the Host's pool: a request meeting a broken
        // connection would close the pool itself (FaultProblems) and hide what the step does.
        await Waits.Until(async () => await EventsOf(beta) == 6 + 1 + 1, TimeSpan.FromSeconds(30));

        (await RetentionClients.Decision(app.Host, beta))["decision"]!.GetValue<string>().ShouldBe("no-offer");
        app.Captured.Since(mark).ShouldContain(e => e.Category == typeof(OutOfStepMessageRetries).FullName
            && e.Message.Contains("lost track of its prepared statements") && e.Message.Contains("AssessCancellation"));
    }
}
