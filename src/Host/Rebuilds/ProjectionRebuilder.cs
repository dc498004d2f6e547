using EventCrm.Host.Telemetry;
using System.Collections.Concurrent;
using JasperFx.Events.Daemon;
using EventCrm.Host.Reliability;
using EventCrm.Host.Sharding;
using Marten;
using Marten.Events.Daemon.Coordination;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;

namespace EventCrm.Host.Rebuilds;

/// <summary>
/// Rebuilds a projection and records how it goes. Async projections are rebuilt blue/green
/// (<see cref="BlueGreenRebuild"/>): reads keep being served meanwhile. In HotCold mode each
/// async projection runs on the one node that holds its advisory lock; the rebuild runs on that
/// node, so no second agent ever writes the same documents. The inline profiles are rebuilt in
/// place, customer by customer, whether a service runs or not (<see cref="InPlaceProfileRebuild"/>).
/// </summary>
public sealed class ProjectionRebuilder(IDocumentStore store, IProjectionCoordinator coordinator, BlueGreenRebuild blueGreen, InPlaceProfileRebuild inPlace,
    RebuildClaims claims, LeftoverSideBuilds leftovers, CustomerDatabases databases, ProfileRebuildLag profileLag, PreparedStatementsOutOfStep outOfStep, TimeProvider clock, ILogger<ProjectionRebuilder> logger)
{
    /// <summary>The claims of the rebuilds this process runs, by projection, from their beginning to their end (<see cref="RebuildClaims"/>).</summary>
    private readonly ConcurrentDictionary<string, RebuildClaim> _claims = new(StringComparer.OrdinalIgnoreCase);

    private IProjectionDistributor? Distributor => (coordinator as ProjectionCoordinatorBase)?.Distributor;

    /// <summary>
    /// In a running service: true when this node's coordinator holds the projection's lock in
    /// every database, so its daemons run the projection everywhere. Inline projections have no
    /// lock: they run in every appending transaction.
    /// </summary>
    public async Task<bool> RunsHereAsync(ProjectionInfo projection) =>
        projection.IsInline || Distributor is { } distributor && (await SetsOf(projection)).All(distributor.HasLock);

    /// <summary>True while any process (a node, a command) rebuilds the projection.</summary>
    public Task<bool> RebuildingAnywhereAsync(ProjectionInfo projection, CancellationToken ct) => claims.IsClaimedAsync(projection.Name, ct);

    /// <summary>False on a node started with <c>Marten:Daemon=off</c>: it takes no projection lock, so it may not rebuild an async projection.</summary>
    public bool TakesLocks => Distributor is not null;

    /// <summary>
    /// From the command line, where no coordinator runs: takes the projection's lock in every
    /// database unless a running service holds one, so that no service starts the projection
    /// during the rebuild. Takes none when it cannot take them all.
    /// </summary>
    public async Task<bool> TakeAsync(ProjectionInfo projection, CancellationToken ct)
    {
        if (projection.IsInline) return true;
        if (Distributor is not { } distributor) return false;
        foreach (var set in await SetsOf(projection))
        {
            if (distributor.HasLock(set) || await distributor.TryAttainLockAsync(set, ct)) continue;
            await ReleaseAsync(projection);
            return false;
        }
        return true;
    }

    public async Task ReleaseAsync(ProjectionInfo projection)
    {
        if (Distributor is not { } distributor) return;
        foreach (var set in await SetsOf(projection))
            if (distributor.HasLock(set)) await distributor.ReleaseLockAsync(set);
    }

    /// <summary>
    /// Records that the rebuild begins, so the status route shows it from the moment it is
    /// accepted; null when the projection is already being rebuilt by any process (a node, a
    /// command): its claim (<see cref="RebuildClaims"/>) keeps it to one at a time.
    /// </summary>
    public async Task<ProjectionRebuild?> BeginAsync(ProjectionInfo projection, CancellationToken ct)
    {
        if (await claims.TryClaimAsync(projection.Name, ct) is not { } claim) return null;
        _claims[projection.Name] = claim;
        try
        {
            // Under the claim, so no other process builds there; before the record says rebuilding,
            // so the status never shows a killed build's position as this one's.
            if (!projection.IsInline) await leftovers.DropAsync(projection, "before rebuilding it", ct);
            var started = new ProjectionRebuild
            {
                Id = projection.Name, State = RebuildStates.Rebuilding, Node = Infrastructure.NodeName.Of(store),
                StartedAt = clock.GetUtcNow(), HeartbeatAt = clock.GetUtcNow(), TargetHighWaterMark = await HighestEventsAsync(ct),
            };
            if (projection.IsInline) started = started with { Customers = await inPlace.CountCustomersAsync(ct), CustomersRebuilt = 0 };
            await SaveAsync(started, ct);
            // Recorded: a status that waited for the record shows it from now on.
            await claim.BegunAsync();
            return started;
        }
        catch
        {
            await ReleaseClaimAsync(projection);
            throw;
        }
    }

    private async Task ReleaseClaimAsync(ProjectionInfo projection)
    {
        if (_claims.TryRemove(projection.Name, out var claim)) await claim.DisposeAsync();
    }

    /// <summary>Rebuilds the projection; <paramref name="serviceRunsIt"/>: in a running service (not from the command line).</summary>
    public async Task RunAsync(ProjectionInfo projection, ProjectionRebuild started, bool serviceRunsIt, CancellationToken ct)
    {
        await using var heartbeat = RebuildHeartbeat.Start(store, projection.Name, clock, logger);
        try
        {
            var completed = () => EndAsync(started, r => r with { State = RebuildStates.Completed, FinishedAt = clock.GetUtcNow() });
            if (projection.IsInline)
            {
                // The gauge eventcrm.rebuild.profiles.lag: the customers to rebuild, less those rebuilt.
                profileLag.Update(started.Customers ?? 0, 0);
                await inPlace.RunAsync(async (done, total) =>
                {
                    started = started with { Customers = total, CustomersRebuilt = done };
                    // Recorded first, so a scrape never shows progress the status route does not give yet; the total before
                    // the customers rebuilt, so a read between the two never shows more rebuilt than there are.
                    await RebuildHeartbeat.RecordAsync(store, projection.Name, "customers", total, ct);
                    await RebuildHeartbeat.RecordAsync(store, projection.Name, "customersRebuilt", done, ct);
                    profileLag.Update(total, done);
                }, held => RebuildHeartbeat.RecordAsync(store, projection.Name, "waitingOn", held.ToArray(), ct), ct);
                await completed();
            }
            else
                await blueGreen.RunAsync(projection, serviceRunsIt, () => RunsHereAsync(projection), completed,
                    // Recorded whatever the stop: the swap is done, and the status must not show that database's position as 0.
                    done => RebuildHeartbeat.RecordAsync(store, projection.Name, "takenOverIn", done.ToArray(), CancellationToken.None), ct);
        }
        catch (Exception e) when (ct.IsCancellationRequested)
        {
            // The host is stopping (a graceful stop, SIGTERM): whatever the cancellation made fail (a cancelled wait, a page
            // cut short) is its consequence, not a fault of the rebuild, and its exception would only mislead.
            var stopped = RebuildHeartbeat.Stopped(started, inPlace: projection.IsInline, byCommand: !serviceRunsIt);
            logger.LogWarning("Rebuild of projection {Projection} {Stopped} (it ended on {Cause})", projection.Name, stopped, e.GetType().Name);
            await EndAsync(started, r => r with { State = RebuildStates.Failed, FinishedAt = clock.GetUtcNow(), Error = stopped });
            throw;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Rebuild of projection {Projection} failed", projection.Name);
            // A connection whose prepared statements Npgsql lost track of (the in-place rebuild's stream locks
            // meet one a request broke): closed with the rest of the pool, so the next rebuild asked for runs on fresh ones.
            if (PreparedStatementsOutOfStep.Caused(e)) await outOfStep.ReopenConnectionsAsync();
            await EndAsync(started, r => r with { State = RebuildStates.Failed, FinishedAt = clock.GetUtcNow(), Error = e.Message });
            throw;
        }
        finally
        {
            if (projection.IsInline) profileLag.Forget();
            await ReleaseClaimAsync(projection);
        }
    }

    /// <summary>The sum over the databases, as the status route sums positions (each database numbers its own events).</summary>
    private async Task<long> HighestEventsAsync(CancellationToken ct)
    {
        long sum = 0;
        foreach (var database in await databases.AllAsync()) sum += (await database.FetchEventStoreStatistics(ct)).EventSequenceNumber;
        return sum;
    }

    /// <summary>The projection's lock sets, one per database.</summary>
    private async Task<IReadOnlyList<IProjectionSet>> SetsOf(ProjectionInfo projection)
    {
        if (projection.IsInline || Distributor is null) return [];
        var sets = await Distributor.BuildDistributionAsync();
        return sets.Where(s => s.Names.Any(n => n.Name == projection.Name)).ToList();
    }

    /// <summary>
    /// Records how the rebuild ended on its record as it stands: the heartbeat (and an in-place rebuild's waits)
    /// stamp the stored record, never the copy the rebuild began with, which would set <c>heartbeatAt</c> back to the start.
    /// </summary>
    private async Task EndAsync(ProjectionRebuild started, Func<ProjectionRebuild, ProjectionRebuild> end)
    {
        await using var session = store.LightweightSession();
        var stored = await session.LoadAsync<ProjectionRebuild>(started.Id, CancellationToken.None);
        var current = stored is not null && stored.Node == started.Node && stored.StartedAt == started.StartedAt
            ? stored with { Customers = started.Customers ?? stored.Customers, CustomersRebuilt = started.CustomersRebuilt ?? stored.CustomersRebuilt }
            : started;
        session.Store(end(current));
        await session.SaveChangesAsync(CancellationToken.None);
    }

    private async Task SaveAsync(ProjectionRebuild rebuild, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Store(rebuild);
        await session.SaveChangesAsync(ct);
    }
}
