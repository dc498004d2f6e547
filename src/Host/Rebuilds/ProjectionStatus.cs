using JasperFx.Events.Projections;
using EventCrm.Host.Sharding;
using Marten;
using Marten.Storage;
using EventCrm.Relationship;
using EventCrm.Host.Health;
using EventCrm.Host.Reliability;

namespace EventCrm.Host.Rebuilds;

public sealed record RebuildView([property: Words(typeof(RebuildStates))] string State, string Node, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, long TargetHighWaterMark, string? Error,
    DateTimeOffset? HeartbeatAt, long? Customers = null, long? CustomersRebuilt = null, IReadOnlyList<string>? WaitingOn = null);

/// <summary>
/// Where a projection stands in one database of customers (each numbers its own events). ServingPosition is the
/// position of the documents that database's reads are served from (the live build's during a rebuild): a report
/// waits for it to reach the high-water mark read when it began, database by database. A database out of reach
/// (it refused the connection, or did not answer within 3 s) is <c>reachable: false</c>, its state
/// <c>unreachable</c>, its figures null and <c>error</c> saying why.
/// </summary>
public sealed record DatabaseProgressView(string Database, [property: Words(typeof(ProjectionStates))] string State, long? Position, long? HighWaterMark, long? EventsBehind,
    long? ServingPosition = null, bool Reachable = true, string? Error = null);

/// <summary>
/// Where a projection stands. Position is the global sequence it has processed up to (during a
/// rebuild: how far the new build has gone); the high-water mark is the last event committed
/// (<see cref="LogHead"/>), what a caught-up projection has reached, whether a daemon runs or not. ServingPosition is the position of
/// the documents reads are served from: during a rebuild, the live build's, which keeps following.
/// With customers over several databases, Databases gives each one and the figures above are
/// their sums (caught up when every database is). DaemonRunning is false when no process holds
/// the projection's daemon lock in every database: nothing moves its position then. DaemonHeldBy
/// names the node(s) holding that lock (<see cref="Infrastructure.NodeName"/>), null when none does:
/// the node to send a rebuild to. With a database of several out of reach, DatabasesOut names it: the figures
/// are then those of the databases that answered, the state is <c>unreachable</c> (but for a rebuild's or an
/// inline projection's), and DaemonRunning is null (not known).
/// </summary>
public sealed record ProjectionStatusView(
    string Name, [property: Words(typeof(ProjectionLifecycles))] string Lifecycle, uint Version, [property: Words(typeof(ProjectionStates))] string State, long? Position, long HighWaterMark, long? EventsBehind, RebuildView? LastRebuild,
    long? ServingPosition, IReadOnlyList<DatabaseProgressView>? Databases = null, bool? DaemonRunning = null, string? DaemonHeldBy = null,
    IReadOnlyList<string>? DatabasesOut = null);

/// <summary>Where a projection stands (its <c>state</c>, and each database's): a rebuild's state while one runs.</summary>
public static class ProjectionStates
{
    public const string Inline = "inline";
    public const string CaughtUp = "caught-up";
    public const string CatchingUp = "catching-up";
    public const string Rebuilding = RebuildStates.Rebuilding;
    /// <summary>A database of several whose new build has taken over while the rebuild waits for another's: it serves the new build.</summary>
    public const string TakenOver = "taken-over";
    /// <summary>A database of several did not answer: its progress is not known (its entry says why).</summary>
    public const string Unreachable = "unreachable";
}

/// <summary>How a projection is kept (its <c>lifecycle</c>): the catalog lists no live projection (<see cref="ProjectionCatalog"/>).</summary>
public static class ProjectionLifecycles
{
    public const string Inline = "inline";
    public const string Async = "async";

    public static string Of(ProjectionLifecycle lifecycle) => lifecycle == ProjectionLifecycle.Inline ? Inline : Async;
}

public sealed class ProjectionStatusReader(IDocumentStore store, CustomerDatabases databases, RebuildClaims claims, ProjectionLocks locks, TimeProvider clock,
    DatabasesOutOfReach outOfReach)
{
    /// <summary>This node's name, as its sessions carry it (<see cref="Infrastructure.NodeName"/>).</summary>
    public string ThisNode => Infrastructure.NodeName.Of(store);

    /// <summary>
    /// Of several databases, those other than the home one that do not answer now (3 s at most, asked in parallel), with why:
    /// a status leaves them out, saying so, instead of failing for the databases that answer (<see cref="ReadAsync(ProjectionInfo, IReadOnlyDictionary{string, string}, CancellationToken)"/>).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> OutOfReachAsync(CancellationToken ct) =>
        databases.Sharded ? await outOfReach.OtherThanHomeAsync(ct) : new Dictionary<string, string>();

    public async Task<ProjectionStatusView> ReadAsync(ProjectionInfo projection, CancellationToken ct) =>
        await ReadAsync(projection, await OutOfReachAsync(ct), ct);

    /// <param name="found">
    /// The databases found out of reach (<see cref="OutOfReachAsync"/>), by id, with why: not asked. A database that stops
    /// answering during the read is left out the same way, after <see cref="ProjectionLocks.Patience"/>.
    /// </param>
    public async Task<ProjectionStatusView> ReadAsync(ProjectionInfo projection, IReadOnlyDictionary<string, string> found, CancellationToken ct)
    {
        var @out = new Dictionary<string, string>(found);
        var holders = await locks.HoldersAsync(projection, ct, databases.Sharded ? @out : null);
        var (home, takenOverIn) = await ReadHomeAsync(projection, ct);
        var status = home with { DaemonHeldBy = ProjectionLocks.Named(holders) };
        if (!databases.Sharded)
            return status with { DaemonRunning = holders is null ? null : holders.Count > 0 && holders.All(h => h is not null) };

        // The rebuild's record is in the home database; its new builds, one per database, are where the positions are.
        var rebuilding = status.State == RebuildStates.Rebuilding;
        var each = new List<(DatabaseProgressView View, long? Serving)>();
        foreach (var tenant in databases.TenantIds)
            each.Add(@out.TryGetValue(tenant, out var why) ? Unreachable(tenant, why) : await InDatabaseOrOutAsync(projection, tenant, rebuilding && !takenOverIn.Contains(tenant), rebuilding, @out, ct));
        // Summed over the databases that answered; those left out are named beside (DatabasesOut).
        var answered = each.Where(d => d.View.Reachable).ToList();
        long? Sum(Func<(DatabaseProgressView View, long? Serving), long?> figure) => answered.Any(d => figure(d) is null) ? null : answered.Sum(d => figure(d)!.Value);
        var state = projection.IsInline ? ProjectionStates.Inline
            : @out.Count > 0 ? ProjectionStates.Unreachable
            : each.All(d => d.View.State == ProjectionStates.CaughtUp) ? ProjectionStates.CaughtUp : ProjectionStates.CatchingUp;
        return status with
        {
            State = status.State is RebuildStates.Rebuilding ? status.State : state,
            Position = Sum(d => d.View.Position), HighWaterMark = answered.Sum(d => d.View.HighWaterMark ?? 0), EventsBehind = Sum(d => d.View.EventsBehind),
            ServingPosition = Sum(d => d.Serving), Databases = each.Select(d => d.View).ToList(),
            // Whether a node runs it in a database out of reach is not known.
            DaemonRunning = holders is null || @out.Count > 0 ? null : holders.Count > 0 && holders.All(h => h is not null),
            DatabasesOut = @out.Count > 0 ? databases.TenantIds.Where(@out.ContainsKey).ToList() : null,
        };
    }

    private static (DatabaseProgressView View, long? Serving) Unreachable(string tenant, string why) =>
        (new DatabaseProgressView(tenant, ProjectionStates.Unreachable, null, null, null, null, Reachable: false, Error: why), null);

    /// <summary>The database's progress, or, when it does not answer within the patience (a database other than the home one), its entry as out of reach.</summary>
    /// <param name="rebuilding">The database's new build still builds: its position is that build's.</param>
    /// <param name="rebuildRuns">A rebuild runs: a database whose build has taken over meanwhile says so.</param>
    private async Task<(DatabaseProgressView View, long? Serving)> InDatabaseOrOutAsync(ProjectionInfo projection, string tenant, bool rebuilding,
        bool rebuildRuns, Dictionary<string, string> @out, CancellationToken ct)
    {
        try
        {
            var database = await databases.DatabaseIn(tenant);
            return await DatabasePing.Within(ProjectionLocks.Patience,
                giveUp => InDatabaseAsync(projection, tenant, database, store.Options.Events.DatabaseSchemaName, rebuilding, rebuildRuns, giveUp), ct, outOfReach.Named(tenant));
        }
        catch (Exception e) when (tenant != databases.HomeTenantId && DatabaseFaults.IsOutage(e) && !ct.IsCancellationRequested)
        {
            outOfReach.LeftOut(tenant, e);
            @out[tenant] = DatabasesOutOfReach.WhyOf(e);
            return Unreachable(tenant, @out[tenant]);
        }
    }

    private static async Task<(DatabaseProgressView View, long? Serving)> InDatabaseAsync(ProjectionInfo projection, string tenant, IMartenDatabase database,
        string eventSchema, bool rebuilding, bool rebuildRuns, CancellationToken ct)
    {
        var progress = await database.AllProjectionProgress(ct);
        var highWaterMark = await LogHead.HighWaterMarkAsync(database, eventSchema, progress, ct);
        long? serving = projection.IsInline ? null : PositionOf(projection.Shards, progress);
        var position = rebuilding && !projection.IsInline ? PositionOf(projection.Shards.Select(SideBuilds.ShardFor), progress) : serving;
        var state = position is not { } p ? ProjectionStates.Inline
            : rebuilding ? ProjectionStates.Rebuilding
            // Taken over while another database's build has not yet: its live position is the new build's, following on.
            : rebuildRuns && !projection.IsInline ? ProjectionStates.TakenOver
            : p >= highWaterMark ? ProjectionStates.CaughtUp : ProjectionStates.CatchingUp;
        return (new DatabaseProgressView(tenant, state, position, highWaterMark, position is { } at ? Math.Max(highWaterMark - at, 0) : null, serving), serving);
    }

    /// <summary>The status as the home database gives it, and the databases whose new build has taken over during a rebuild still running.</summary>
    private async Task<(ProjectionStatusView View, IReadOnlySet<string> TakenOverIn)> ReadHomeAsync(ProjectionInfo projection, CancellationToken ct)
    {
        // With several databases, the home one alone: Marten's AllProjectionProgress() asks every database (one out of
        // reach failed the whole status), and each database's figures are read on their own (ReadAsync).
        var home = databases.Sharded ? await databases.DatabaseIn(databases.HomeTenantId) : store.Storage.Database;
        var progress = await home.AllProjectionProgress(ct);
        var highWaterMark = await LogHead.HighWaterMarkAsync(home, store.Options.Events.DatabaseSchemaName, progress, ct);
        long? serving = projection.IsInline ? null : PositionOf(projection.Shards, progress);

        var rebuild = await LastRebuildAsync(projection, ct);
        var rebuilding = rebuild?.State == RebuildStates.Rebuilding;
        var position = rebuilding && !projection.IsInline ? PositionOf(projection.Shards.Select(SideBuilds.ShardFor), progress) : serving;
        // A failed rebuild is the rebuild's state, not the projection's: its live documents stayed
        // and kept following new events (blue/green), or each is a complete fold (in place).
        var state = rebuild?.State switch
        {
            RebuildStates.Rebuilding => rebuild.State,
            _ when projection.IsInline => ProjectionStates.Inline,
            _ => position >= highWaterMark ? ProjectionStates.CaughtUp : ProjectionStates.CatchingUp,
        };
        var shown = await AsShownAsync(projection, rebuild, ct);
        IReadOnlySet<string> takenOverIn = rebuilding ? (rebuild!.TakenOverIn ?? []).ToHashSet() : new HashSet<string>();
        return (new ProjectionStatusView(projection.Name, ProjectionLifecycles.Of(projection.Lifecycle), projection.Version, state,
            position, highWaterMark, position is { } p ? Math.Max(highWaterMark - p, 0) : null,
            shown is null ? null : new RebuildView(shown.State, shown.Node, shown.StartedAt, shown.FinishedAt, shown.TargetHighWaterMark, shown.Error, shown.HeartbeatAt,
                shown.Customers, shown.CustomersRebuilt, shown.State == RebuildStates.Rebuilding && shown.WaitingOn is { Length: > 0 } held ? held : null),
            serving), takenOverIn);
    }

    /// <summary>
    /// The last rebuild as the status shows it: recorded as ended, it is still "rebuilding" while its claim is held.
    /// A rebuild releases its claim just after recording how it ended, and a new one claims it before recording that
    /// it began; either way a request for a rebuild would be refused meanwhile, so a client that sees "completed" may
    /// ask again at once. The projection's own state and position follow the record: its documents are served as it says.
    /// </summary>
    private async Task<ProjectionRebuild?> AsShownAsync(ProjectionInfo projection, ProjectionRebuild? rebuild, CancellationToken ct) =>
        rebuild is { State: not RebuildStates.Rebuilding } && await claims.IsClaimedAsync(projection.Name, ct)
            ? rebuild with { State = RebuildStates.Rebuilding, FinishedAt = null, Error = null }
            : rebuild;

    /// <summary>
    /// The last rebuild, "failed" when the process recorded as running it has ended: its claim is
    /// free (it died: PostgreSQL freed the claim with its session) or its heartbeat has stopped
    /// (a node cut off from the database may keep its session a while).
    /// </summary>
    private async Task<ProjectionRebuild?> LastRebuildAsync(ProjectionInfo projection, CancellationToken ct)
    {
        var rebuild = await LoadRebuildAsync(projection, ct);
        // Claimed while the record says the last one ended: a new rebuild may be beginning (claimed, its record not written
        // yet). Shown as the last one, it said "rebuilding" with that one's node, start and customers all rebuilt; its own
        // record is waited for (one ending, its record written and its claim not yet released, is not waited for).
        if (rebuild?.State != RebuildStates.Rebuilding && await claims.IsClaimedAsync(projection.Name, ct) && await claims.WaitWhileBeginningAsync(projection.Name, ct))
            rebuild = await LoadRebuildAsync(projection, ct);
        if (rebuild?.State != RebuildStates.Rebuilding) return rebuild;
        if (RebuildHeartbeat.Abandoned(rebuild, clock.GetUtcNow()) is { } silent) return rebuild with { State = RebuildStates.Failed, Error = silent };
        if (await claims.IsClaimedAsync(projection.Name, ct)) return rebuild;
        // The claim is free, but the rebuild may have just ended (recorded, then released) or a new
        // one just begun (claimed, then recorded): only the same record still running after the look at the claim is dead.
        var now = await LoadRebuildAsync(projection, ct);
        return now?.State == RebuildStates.Rebuilding && now.StartedAt == rebuild.StartedAt && now.Node == rebuild.Node
            ? now with { State = RebuildStates.Failed, Error = RebuildHeartbeat.Ended(now) }
            : now;
    }

    private async Task<ProjectionRebuild?> LoadRebuildAsync(ProjectionInfo projection, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<ProjectionRebuild>(projection.Name, ct);
    }

    // A shard without a progress row has processed nothing yet.
    private static long PositionOf(IEnumerable<ShardName> shards, IReadOnlyList<ShardState> progress) =>
        shards.Select(s => progress.FirstOrDefault(p => p.ShardName == s.Identity)?.Sequence ?? 0).DefaultIfEmpty(0).Min();
}
