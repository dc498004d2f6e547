using EventCrm.Host.Infrastructure;
using EventCrm.Host.Sharding;
using EventCrm.Host.Telemetry;
using Marten;
using Marten.Storage;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;

namespace EventCrm.Host.Rebuilds;

/// <summary>
/// Rebuilds an async projection without downtime. The new build is written beside the live
/// documents (<see cref="SideBuild"/>) while reads keep being served by the live ones and the
/// live projection keeps following new events. Once the new build has caught up with the
/// high-water mark it takes over (<see cref="TakeOver"/>): the daemon is paused on this node,
/// the new build is let reach at least the live position, stopped, and swapped in with the
/// live progress set to its own; the resumed daemon then follows new events into the new
/// documents, so every event counts exactly once. With customers over several databases, each
/// database gets its own new build, and all of them take over in the same pause of the daemon.
/// </summary>
public sealed class BlueGreenRebuild(IDocumentStore store, IProjectionCoordinator coordinator, CustomerDatabases databases, TenancySettings tenancy,
    IConfiguration configuration, RebuildLag lag, ILogger<BlueGreenRebuild> logger)
{
    // Pausing and resuming the daemon is not re-entrant: two rebuilds finishing together take turns.
    private readonly SemaphoreSlim _takingOver = new(1, 1);

    /// <summary>One database's new build, and the high-water mark it must reach before taking over.</summary>
    private sealed record Build(string Database, SideBuild Side, long Floor);

    /// <param name="serviceRunsIt">
    /// True in a running service, whose daemon runs the live projection and is paused for the
    /// take-over; false from the command line, which holds the projection's lock and runs no daemon.
    /// </param>
    /// <param name="stillOurs">Asked right before the take-over: false when this node lost the projection's lock meanwhile.</param>
    /// <param name="tookOver">
    /// Records the rebuild as done, before the new build's progress row is forgotten: until then
    /// the status reports the new build's position, so it never drops back to 0.
    /// </param>
    /// <param name="tookOverIn">
    /// Told, with customers over several databases, the databases whose build has taken over so far, after each swap: until the
    /// last one the rebuild is still running, and the status shows those databases' position as the live one's (their new
    /// build's progress row is no longer what they serve from).
    /// </param>
    public async Task RunAsync(ProjectionInfo projection, bool serviceRunsIt, Func<Task<bool>> stillOurs, Func<Task> tookOver,
        Func<IReadOnlyList<string>, Task> tookOverIn, CancellationToken ct)
    {
        var builds = new List<Build>();
        try
        {
            for (var i = 0; i < databases.TenantIds.Count; i++)
            {
                var database = await databases.DatabaseIn(databases.TenantIds[i]);
                var floor = await RebuildSql.RecordedHighWaterMarkAsync(database, ct);
                var name = databases.Sharded ? databases.TenantIds[i] : "the database";
                builds.Add(new Build(name, await SideBuild.StartAsync(store, database, ConnectionStringOf(i), projection, logger, ct), floor));
            }
            await AllCaughtUpAsync(projection, builds, ct);
            await TakeOverAsync(projection, builds, serviceRunsIt, stillOurs, tookOverIn, ct);
            await tookOver();
        }
        finally
        {
            lag.Forget(projection.Shards.Select(s => s.Identity));
            foreach (var build in builds) await ClearAwayAsync(projection, build.Side);
        }
    }

    private string ConnectionStringOf(int database) =>
        databases.Sharded ? tenancy.Databases[database] : StoreConfiguration.ConnectionString(configuration);

    /// <summary>Every database's build catches up on its own; the first one that stops ends the wait of the others.</summary>
    private async Task AllCaughtUpAsync(ProjectionInfo projection, IReadOnlyList<Build> builds, CancellationToken ct)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await Task.WhenAll(builds.Select(async build =>
        {
            try
            {
                // The gauge eventcrm.rebuild.lag, under the database's name as the daemon's log gives it (Main, or the tenant id).
#pragma warning disable CS0618 // Identifier: as eventcrm.projection.lag names it (Paging/DaemonPagePacing)
                var database = build.Side.Database.Identifier;
#pragma warning restore CS0618
                await build.Side.WaitUntilCaughtUpAsync(build.Floor, (shard, behind) => lag.Update(shard.Identity, database, behind), failed.Token);
                logger.LogInformation("New build of {Projection} in {Database} caught up at {Position}", projection.Name, build.Database,
                    await build.Side.PositionAsync(ct));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await failed.CancelAsync();
                throw;
            }
        }));
    }

    /// <summary>
    /// Drops what the build leaves (its schema, the replaced tables). A failure here changes
    /// nothing readers see: after a take-over the new documents already serve, and before it the
    /// rebuild's own error is the one to report. The next rebuild of the projection, or the next start of a node, drops the leftovers (<see cref="LeftoverSideBuilds"/>).
    /// </summary>
    private async Task ClearAwayAsync(ProjectionInfo projection, SideBuild side)
    {
        try
        {
            await side.DisposeAsync();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "The rebuild of {Projection} left schemas {SideSchema} and {RetiredSchema} behind; its next rebuild, or the next start of a node, drops them", projection.Name, side.SideSchema, side.RetiredSchema);
        }
    }

    /// <summary>
    /// Swaps each database's new build in, in database order, with the daemon paused. Each
    /// database holds whole customers, so each swap is complete for its customers on its own;
    /// a swap that fails after others succeeded says which databases already serve the new build.
    /// </summary>
    private async Task TakeOverAsync(ProjectionInfo projection, IReadOnlyList<Build> builds, bool serviceRunsIt, Func<Task<bool>> stillOurs,
        Func<IReadOnlyList<string>, Task> tookOverIn, CancellationToken ct)
    {
        await _takingOver.WaitAsync(ct);
        try
        {
            if (serviceRunsIt) await coordinator.PauseAsync();
            try
            {
                // A pause keeps this node's locks (LocksKeptWhilePaused): one lost here went with a session that died.
                if (!await stillOurs()) throw LockLost(projection);
                var done = new List<string>();
                foreach (var build in builds)
                {
                    try
                    {
                        await SwapAsync(projection, build.Side, ct);
                    }
                    catch (Exception e) when (done.Count > 0)
                    {
                        throw new InvalidOperationException($"The new build of '{projection.Name}' took over in {string.Join(", ", done)} but not in {build.Database}, " +
                            $"whose live documents stay: {e.Message} Request the rebuild again to rebuild every database.", e);
                    }
                    done.Add(build.Database);
                    if (databases.Sharded && done.Count < builds.Count) await tookOverIn(done);
                }
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

    private static InvalidOperationException LockLost(ProjectionInfo projection) =>
        new($"This node lost the lock of '{projection.Name}' during the rebuild: the live documents stay. Request the rebuild again.");

    private async Task SwapAsync(ProjectionInfo projection, SideBuild side, CancellationToken ct)
    {
        // Never serve documents older than the ones they replace.
        await side.WaitUntilAtLeastAsync(await LivePositionAsync(projection, side.Database, ct), ct);
        await side.StopAsync();
        await TakeOver.SwapAsync(side, await side.PositionsAsync(ct), TakeOver.TryForOf(configuration), ct);
    }

    private static async Task<long> LivePositionAsync(ProjectionInfo projection, IMartenDatabase database, CancellationToken ct)
    {
        var progress = await database.AllProjectionProgress(ct);
        return projection.Shards.Select(s => progress.FirstOrDefault(p => p.ShardName == s.Identity)?.Sequence ?? 0).DefaultIfEmpty(0).Max();
    }
}
