using JasperFx.Events.Daemon;

namespace EventCrm.Host.Infrastructure.Leadership;

/// <summary>
/// A pause keeps this node's projection locks (a rebuild's take-over relies on it). JasperFx
/// gives a database's lock up when one of its agents fails to start, so that another node may
/// try; but a pause that comes while agents are starting cancels them, and that counts as a
/// failure (ProjectionCoordinatorBase.tryStartAgent): the lock was given away in the middle of
/// the pause. While paused, releasing a single lock does nothing; stopping still releases all.
/// </summary>
public sealed class LocksKeptWhilePaused(IProjectionDistributor distributor) : IProjectionDistributor
{
    private volatile bool _paused;

    public bool Paused
    {
        get => _paused;
        set => _paused = value;
    }

    public Task ReleaseLockAsync(IProjectionSet set) => Paused ? Task.CompletedTask : distributor.ReleaseLockAsync(set);

    public ValueTask<IReadOnlyList<IProjectionSet>> BuildDistributionAsync() => distributor.BuildDistributionAsync();

    public Task RandomWait(CancellationToken token) => distributor.RandomWait(token);

    public bool HasLock(IProjectionSet set) => distributor.HasLock(set);

    public Task<bool> TryAttainLockAsync(IProjectionSet set, CancellationToken token) => distributor.TryAttainLockAsync(set, token);

    public Task ReleaseAllLocks() => distributor.ReleaseAllLocks();

    public ValueTask DisposeAsync() => distributor.DisposeAsync();
}
