using JasperFx.Events.Daemon;

namespace EventCrm.Host.Infrastructure.Leadership;

/// <summary>
/// With customers over several databases, one lock per database decides which node runs the
/// async projections there. Left to chance, two nodes could each win some databases, and then no
/// node could rebuild a projection online: only a node running it in every database can pause it
/// everywhere for the take-over. So a node asks for another database's lock only while it holds
/// the home database's, and gives the others up once it has lost that one: the node that wins
/// the home database wins them all.
/// </summary>
public sealed class HomeDatabaseFirst(IProjectionDistributor distributor, string homeDatabase) : IProjectionDistributor
{
    private IProjectionSet? _home;

    private bool IsHome(IProjectionSet set) => set.Database.Identifier == homeDatabase;

    private bool HoldsHome => _home is { } home && distributor.HasLock(home);

    /// <summary>The home database first, so that the node that takes its lock asks for the others in the same round.</summary>
    public async ValueTask<IReadOnlyList<IProjectionSet>> BuildDistributionAsync()
    {
        var sets = (await distributor.BuildDistributionAsync()).OrderByDescending(IsHome).ToList();
        _home = sets.FirstOrDefault(IsHome);
        return sets;
    }

    public bool HasLock(IProjectionSet set) => distributor.HasLock(set) && (IsHome(set) || HoldsHome);

    public async Task<bool> TryAttainLockAsync(IProjectionSet set, CancellationToken token)
    {
        if (IsHome(set) || HoldsHome) return await distributor.TryAttainLockAsync(set, token);
        if (distributor.HasLock(set)) await distributor.ReleaseLockAsync(set);
        return false;
    }

    public Task RandomWait(CancellationToken token) => distributor.RandomWait(token);

    public Task ReleaseLockAsync(IProjectionSet set) => distributor.ReleaseLockAsync(set);

    public Task ReleaseAllLocks() => distributor.ReleaseAllLocks();

    public ValueTask DisposeAsync() => distributor.DisposeAsync();
}
