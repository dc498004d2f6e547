using EventCrm.Relationship.Value;
using JasperFx.Events.Daemon;
using EventCrm.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;

namespace EventCrm.Tests.Scaling;

public sealed class DaemonControlHost() : SchemaHost("eventcrm_daemon_control");

/// <summary>
/// A rebuild's take-over pauses and resumes the daemon while the host may be stopping it, and
/// tests pause it too: overlapping calls take turns, and a stopped daemon stays stopped.
/// </summary>
public class when_the_daemon_is_paused_resumed_and_stopped_at_once(DaemonControlHost node) : IClassFixture<DaemonControlHost>
{
    private IProjectionCoordinator Coordinator => node.Host.Services.GetRequiredService<IProjectionCoordinator>();

    /// <summary>Several leadership polls (5 s): a leadership loop still running would have started the ledgers' agent by then.</summary>
    private static readonly TimeSpan LongerThanAPoll = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task overlapping_pauses_and_resumes_leave_one_daemon_that_the_last_pause_stops()
    {
        for (var round = 0; round < 200; round++)
            await Task.WhenAll(Task.Run(Coordinator.PauseAsync), Task.Run(Coordinator.ResumeAsync), Task.Run(Coordinator.PauseAsync), Task.Run(Coordinator.ResumeAsync));

        await Coordinator.ResumeAsync();
        var projected = await Posted();
        await node.Store.CatchUp();
        (await LedgerOf(projected))!.Historical.Revenue.ShouldBe(100m, "the resumed daemon projects");

        await Coordinator.PauseAsync();
        var heldBack = await Posted();
        await Task.Delay(LongerThanAPoll);
        (await LedgerOf(heldBack)).ShouldBeNull("no leadership loop outlived the last pause");
        await Coordinator.ResumeAsync();
        await node.Store.CatchUp();
    }

    [Fact]
    public async Task a_resume_that_meets_the_host_stopping_the_daemon_leaves_it_stopped()
    {
        string? heldBack = null;
        try
        {
            for (var round = 0; round < 50; round++)
            {
                await ((IHostedService)Coordinator).StartAsync(default);
                await Task.WhenAll(Task.Run(() => Coordinator.StopAsync(default)), Task.Run(Coordinator.ResumeAsync), Task.Run(Coordinator.PauseAsync));
            }

            heldBack = await Posted();
            await Task.Delay(LongerThanAPoll);
            (await LedgerOf(heldBack)).ShouldBeNull("a resume after the stop did not start the daemon again");
        }
        finally
        {
            await ((IHostedService)Coordinator).StartAsync(default);
            await node.Store.CatchUp();
        }
        // Held back, not lost: the daemon started again projects it (a purchase of 100).
        (await LedgerOf(heldBack))!.Historical.Revenue.ShouldBe(100m);
    }

    [Fact]
    public async Task a_pause_keeps_the_locks_that_agents_cancelled_while_starting_would_give_up()
    {
        var distributor = ((ProjectionCoordinatorBase)Coordinator).Distributor!;
        var sets = await distributor.BuildDistributionAsync();
        await Waits.Until(() => sets.All(distributor.HasLock));

        await Coordinator.PauseAsync();
        try
        {
            // What JasperFx's coordinator does for each agent that a pause cancels while it starts.
            foreach (var set in sets) await distributor.ReleaseLockAsync(set);
            sets.ShouldAllBe(set => distributor.HasLock(set), "the paused node keeps its locks, so no other node takes its projections");
        }
        finally
        {
            await Coordinator.ResumeAsync();
        }

        foreach (var set in sets) await distributor.ReleaseLockAsync(set);
        sets.ShouldAllBe(set => !distributor.HasLock(set), "running, a release is a release");
        await Waits.Until(() => sets.All(distributor.HasLock));
        var customer = await Posted();
        await node.Store.CatchUp();
        (await LedgerOf(customer))!.Historical.Revenue.ShouldBe(100m);
    }

    private async Task<string> Posted()
    {
        var customer = Ids.Customer();
        await node.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(2)) });
        return customer;
    }

    private async Task<CustomerLedger?> LedgerOf(string customer)
    {
        await using var session = node.Store.QuerySession();
        return await session.LoadAsync<CustomerLedger>(customer);
    }
}
