using JasperFx.Events.Daemon;
using Marten;
using Marten.Events.Daemon.Coordination;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;

namespace EventCrm.Host.Rebuilds;

/// <summary>
/// Rebuilds a projection with Marten's daemon: tear its documents down, replay the log up to the
/// high-water mark, then (in a running service) let the projection follow new events again.
/// In HotCold mode each async projection runs on the one node that holds its advisory lock; the
/// rebuild runs on that node's daemon, so no second agent ever writes the same documents.
/// </summary>
public sealed class ProjectionRebuilder(IDocumentStore store, IProjectionCoordinator coordinator, TimeProvider clock, ILogger<ProjectionRebuilder> logger)
{
    /// <summary>Marten's default is 5 minutes per shard; a log of millions of events takes longer.</summary>
    private static readonly TimeSpan ShardTimeout = TimeSpan.FromHours(6);

    private IProjectionDistributor? Distributor => (coordinator as ProjectionCoordinatorBase)?.Distributor;

    /// <summary>
    /// In a running service: true when this node's coordinator holds the projection's lock, so
    /// its daemon runs the projection. Inline projections have no lock: they run in every
    /// appending transaction.
    /// </summary>
    public async Task<bool> RunsHereAsync(ProjectionInfo projection) =>
        await SetOf(projection) is not { } set || Distributor!.HasLock(set);

    /// <summary>
    /// From the command line, where no coordinator runs: takes the projection's lock unless a
    /// running service holds it, so that no service starts the projection during the rebuild.
    /// </summary>
    public async Task<bool> TakeAsync(ProjectionInfo projection, CancellationToken ct)
    {
        if (await SetOf(projection) is not { } set) return true;
        return Distributor!.HasLock(set) || await Distributor.TryAttainLockAsync(set, ct);
    }

    public async Task ReleaseAsync(ProjectionInfo projection)
    {
        if (await SetOf(projection) is { } set && Distributor!.HasLock(set)) await Distributor.ReleaseLockAsync(set);
    }

    /// <summary>Records that the rebuild begins, so the status route shows it from the moment it is accepted.</summary>
    public async Task<ProjectionRebuild> BeginAsync(ProjectionInfo projection, CancellationToken ct)
    {
        var started = new ProjectionRebuild
        {
            Id = projection.Name, State = RebuildStates.Rebuilding, Node = ProjectionRebuild.ThisNode,
            StartedAt = clock.GetUtcNow(), TargetHighWaterMark = (await store.Advanced.FetchEventStoreStatistics(token: ct)).EventSequenceNumber,
        };
        await SaveAsync(started, ct);
        return started;
    }

    /// <summary>Replays the projection; <paramref name="resume"/> starts it again afterwards (a running service does, the command line does not).</summary>
    public async Task RunAsync(ProjectionInfo projection, ProjectionRebuild started, bool resume, CancellationToken ct)
    {
        try
        {
            var daemon = coordinator.DaemonForMainDatabase();
            await daemon.RebuildProjectionAsync(projection.Name, ShardTimeout, ct);
            // Marten leaves the rebuilt shard stopped, and the coordinator restarts only missing or
            // paused shards: start it here or the projection would stop following new events.
            if (resume && !projection.IsInline)
                foreach (var shard in projection.Shards) await daemon.StartAgentAsync(shard.Identity, ct);
            await SaveAsync(started with { State = RebuildStates.Completed, FinishedAt = clock.GetUtcNow() }, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Rebuild of projection {Projection} failed", projection.Name);
            await SaveAsync(started with { State = RebuildStates.Failed, FinishedAt = clock.GetUtcNow(), Error = e.Message }, CancellationToken.None);
            throw;
        }
    }

    private async Task<IProjectionSet?> SetOf(ProjectionInfo projection)
    {
        if (projection.IsInline || Distributor is null) return null;
        var sets = await Distributor.BuildDistributionAsync();
        return sets.FirstOrDefault(s => s.Names.Any(n => n.Name == projection.Name));
    }

    private async Task SaveAsync(ProjectionRebuild rebuild, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Store(rebuild);
        await session.SaveChangesAsync(ct);
    }
}
