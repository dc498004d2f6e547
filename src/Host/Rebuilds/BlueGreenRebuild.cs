using EventCrm.Host.Infrastructure;
using Marten;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;

namespace EventCrm.Host.Rebuilds;

/// <summary>
/// Rebuilds an async projection without downtime. The new build is written beside the live
/// documents (<see cref="SideBuild"/>) while reads keep being served by the live ones and the
/// live projection keeps following new events. Once the new build has caught up with the
/// high-water mark it takes over (<see cref="TakeOver"/>): the daemon is paused on this node,
/// the new build is let reach at least the live position, stopped, and swapped in with the
/// live progress set to its own; the resumed daemon then follows new events into the new
/// documents, so every event counts exactly once.
/// </summary>
public sealed class BlueGreenRebuild(IDocumentStore store, IProjectionCoordinator coordinator, IConfiguration configuration, ILogger<BlueGreenRebuild> logger)
{
    // Pausing and resuming the daemon is not re-entrant: two rebuilds finishing together take turns.
    private readonly SemaphoreSlim _takingOver = new(1, 1);

    /// <param name="serviceRunsIt">
    /// True in a running service, whose daemon runs the live projection and is paused for the
    /// take-over; false from the command line, which holds the projection's lock and runs no daemon.
    /// </param>
    /// <param name="stillOurs">Asked right before the take-over: false when this node lost the projection's lock meanwhile.</param>
    /// <param name="tookOver">
    /// Records the rebuild as done, before the new build's progress row is forgotten: until then
    /// the status reports the new build's position, so it never drops back to 0.
    /// </param>
    public async Task RunAsync(ProjectionInfo projection, bool serviceRunsIt, Func<Task<bool>> stillOurs, Func<Task> tookOver, CancellationToken ct)
    {
        var floor = await RebuildSql.RecordedHighWaterMarkAsync(store, ct);
        var side = await SideBuild.StartAsync(store, StoreConfiguration.ConnectionString(configuration), projection, logger, ct);
        try
        {
            await side.WaitUntilCaughtUpAsync(floor, ct);
            logger.LogInformation("New build of {Projection} caught up at {Position}: taking over", projection.Name, await side.PositionAsync(ct));

            await TakeOverAsync(projection, side, serviceRunsIt, stillOurs, ct);
            await tookOver();
        }
        finally
        {
            await ClearAwayAsync(projection, side);
        }
    }

    /// <summary>
    /// Drops what the build leaves (its schema, the replaced tables). A failure here changes
    /// nothing readers see: after a take-over the new documents already serve, and before it the
    /// rebuild's own error is the one to report. The next rebuild of the projection drops the leftovers.
    /// </summary>
    private async Task ClearAwayAsync(ProjectionInfo projection, SideBuild side)
    {
        try
        {
            await side.DisposeAsync();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "The rebuild of {Projection} left schemas {SideSchema} and {RetiredSchema} behind; its next rebuild drops them", projection.Name, side.SideSchema, side.RetiredSchema);
        }
    }

    private async Task TakeOverAsync(ProjectionInfo projection, SideBuild side, bool serviceRunsIt, Func<Task<bool>> stillOurs, CancellationToken ct)
    {
        await _takingOver.WaitAsync(ct);
        try
        {
            if (serviceRunsIt) await coordinator.PauseAsync();
            try
            {
                if (!await stillOurs())
                    throw new InvalidOperationException($"This node lost the lock of '{projection.Name}' during the rebuild: the live documents stay. Request the rebuild again.");
                // Never serve documents older than the ones they replace.
                await side.WaitUntilAtLeastAsync(await LivePositionAsync(projection, ct), ct);
                await side.StopAsync();
                await TakeOver.SwapAsync(store, side, await side.PositionsAsync(ct), ct);
            }
            finally
            {
                if (serviceRunsIt) await coordinator.ResumeAsync();
            }
        }
        finally
        {
            _takingOver.Release();
        }
    }

    private async Task<long> LivePositionAsync(ProjectionInfo projection, CancellationToken ct)
    {
        var progress = await store.Advanced.AllProjectionProgress(token: ct);
        return projection.Shards.Select(s => progress.FirstOrDefault(p => p.ShardName == s.Identity)?.Sequence ?? 0).DefaultIfEmpty(0).Max();
    }
}
