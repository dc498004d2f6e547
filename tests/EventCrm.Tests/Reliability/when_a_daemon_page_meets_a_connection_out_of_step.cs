using EventCrm.Host.Reliability;
using EventCrm.Projections.Audit;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Reliability.Support;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;

namespace EventCrm.Tests.Reliability;

public sealed class OutOfStepDaemonHost() : SmallPoolHost("eventcrm_out_of_step_daemon");

/// <summary>
/// A page of the daemon (here the audit seals' subscription, <see cref="AuditSealSubscription"/>) meeting
/// a pooled connection whose prepared statements Npgsql lost track of (<see cref="PreparedStatementsOutOfStep"/>)
/// failed with 26000 and paused its shard; the daemon started it again 5 s later on a connection of the
/// same pool, failed the same way, and the seals stayed behind for as long as the connections lived.
/// Now the pause closes the node's pooled connections (<see cref="OutOfStepShardResets"/>): the daemon's
/// own new start runs on fresh ones and seals the page.
/// </summary>
public class when_a_daemon_page_meets_a_connection_out_of_step(OutOfStepDaemonHost app) : IClassFixture<OutOfStepDaemonHost>
{
    private Task<long> Seals() => DataCommandLine.Count($"select count(*) from {app.Schema}.{AuditStorage.TableName}");

    [Fact]
    public async Task the_pool_is_closed_and_the_daemon_seals_the_page_on_fresh_connections()
    {
        await app.Host.PostTouchpoints(SignUp(Ids.Customer(), Jan1));
        await app.Store.CatchUp();
        var sealedBefore = await Seals();
        var coordinator = app.Host.Services.GetRequiredService<IProjectionCoordinator>();

        // Three signups appended while the daemon is paused, so that the seals' next page runs only once
        // every idle connection of the pool has lost track of the statement that page begins with.
        int[] broken;
        await coordinator.PauseAsync();
        try
        {
            var customers = Enumerable.Range(0, 3).Select(_ => Ids.Customer()).ToArray();
            await app.Host.PostTouchpoints(customers.Select(c => SignUp(c, Jan1)).ToArray());
            broken = await OutOfStepConnections.LoseTrackOnEveryIdleConnection(app.Store, poolSize: 6, () =>
            [
                // AuditSealSubscription.SealedUpToAsync, as Npgsql sends it: @floor and @ceiling, both bigint.
                new NpgsqlBatchCommand($"select max(seq_id) from {app.Schema}.{AuditStorage.TableName} where seq_id > $1 and seq_id <= $2")
                    { Parameters = { new NpgsqlParameter { Value = 0L }, new NpgsqlParameter { Value = 0L } } },
            ]);
        }
        finally
        {
            await coordinator.ResumeAsync();
        }
        var mark = app.Captured.Mark();

        // One seal per event: the three signups, one event each. Read on a connection of the test's own.
        await Waits.Until(async () => await Seals() == sealedBefore + 3, TimeSpan.FromSeconds(60));

        app.Captured.Since(mark).ShouldContain(e => e.Category == typeof(OutOfStepShardResets).FullName
            && e.Message.Contains("lost track of its prepared statements") && e.Message.Contains(AuditSealSubscription.SubscriptionName));
        // Every connection broken above was closed: none of their server processes is left.
        await Waits.Until(async () => await OutOfStepConnections.StillOpen(broken) == 0, TimeSpan.FromSeconds(10));
    }
}
