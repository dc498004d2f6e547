using EventCrm.Host.Infrastructure;
using JasperFx;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Storage;

namespace EventCrm.Host.Rebuilds;

/// <summary>
/// The new build of a projection, written beside the live documents. Marten maps one document
/// type to one table per store, so the build runs in a store of its own: same event log, documents
/// in "{schema}_next_{name}", the projection registered as "{Name}-next" so that its progress has its own
/// row. Its daemon replays the log from sequence 0 in rebuild mode and keeps following new events
/// until it is stopped for the take-over. Disposing drops the side schema and the tables the take-over replaced.
/// With customers over several databases there is one side build per database, each reading that
/// database's log and writing beside that database's documents.
/// </summary>
public sealed class SideBuild : IAsyncDisposable
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(200);

    private readonly IDocumentStore _live;
    private readonly DocumentStore _side;
    private IProjectionDaemon? _daemon;
    private QuietOnceStopped? _log;

    private SideBuild(IDocumentStore live, IMartenDatabase database, DocumentStore side, ProjectionInfo projection)
    {
        _live = live;
        Database = database;
        _side = side;
        RetiredSchema = SideBuilds.RetiredSchemaOf(LiveSchema, projection.Name);
        Shards = projection.Shards.Select(s => (s, SideBuilds.ShardFor(s))).ToList();
        Tables = projection.Documents.Select(d => live.Options.FindOrResolveDocumentType(d).TableName.Name).ToList();
        var sideTables = projection.Documents.Select(d => ((IDocumentStore)side).Options.FindOrResolveDocumentType(d).TableName.Name);
        if (!sideTables.SequenceEqual(Tables))
            throw new InvalidOperationException($"The side build of {projection.Name} maps its documents to other tables ({string.Join(", ", sideTables)}) than the live store ({string.Join(", ", Tables)}).");
    }

    /// <summary>Each live shard with the side build's shard that will replace its progress.</summary>
    public IReadOnlyList<(ShardName Live, ShardName Side)> Shards { get; }

    /// <summary>The document tables, by name: the same in the live schema and in the side schema.</summary>
    public IReadOnlyList<string> Tables { get; }

    /// <summary>The database whose log the build reads and beside whose documents it writes.</summary>
    public IMartenDatabase Database { get; }

    public string LiveSchema => _live.Options.DatabaseSchemaName;
    public string SideSchema => _side.Options.DatabaseSchemaName;
    public string RetiredSchema { get; }

    /// <summary>Empties the side schema, creates the document tables there and starts building from sequence 0.</summary>
    public static async Task<SideBuild> StartAsync(IDocumentStore live, IMartenDatabase database, string connectionString, ProjectionInfo projection,
        ILogger logger, CancellationToken ct)
    {
        var liveSchema = live.Options.DatabaseSchemaName;
        var sideSchema = SideBuilds.SchemaOf(liveSchema, projection.Name);
        var sideShards = projection.Shards.Select(s => SideBuilds.ShardFor(s).Identity).ToArray();
        await using (var connection = database.CreateConnection())
        {
            await connection.OpenAsync(ct);
            await RebuildSql.ExecuteAsync(connection, $"drop schema if exists {sideSchema} cascade; create schema {sideSchema}", ct);
            await RebuildSql.ForgetProgressAsync(connection, liveSchema, sideShards, ct);
        }

        var options = new StoreOptions().ConfigureEventLog(connectionString, liveSchema, sideSchema);
        options.Projections.DaemonLockId = StoreConfiguration.LockIdFor(sideSchema, 4444);
        // This class runs the side store's daemon itself. Left Disabled, Marten's store printed
        // "Warning: The async daemon is disabled ... will not be executed" on standard output,
        // first in what the rebuild command prints, about the very projection it was rebuilding.
        options.Projections.AsyncMode = DaemonMode.ExternallyManaged;
        SideBuilds.Register(options, projection);
        var build = new SideBuild(live, database, new DocumentStore(options), projection);
        try
        {
            foreach (var document in projection.Documents) await build._side.Storage.Database.EnsureStorageExistsAsync(document, ct);
            build._log = new QuietOnceStopped(logger);
            build._daemon = await build._side.BuildProjectionDaemonAsync(logger: build._log);
            foreach (var (_, side) in build.Shards) await build._daemon.StartAgentInRebuildModeAsync(side, ct);
            return build;
        }
        catch
        {
            await build.DisposeAsync();
            throw;
        }
    }

    /// <summary>How far the build has gone: the smallest position of its shards (0 before its first page is committed).</summary>
    public async Task<long> PositionAsync(CancellationToken ct) =>
        (await PositionsAsync(ct)).Values.DefaultIfEmpty(0).Min();

    public async Task<IReadOnlyDictionary<ShardName, long>> PositionsAsync(CancellationToken ct)
    {
        var progress = await Database.AllProjectionProgress(ct);
        return Shards.ToDictionary(s => s.Side, s => progress.FirstOrDefault(p => p.ShardName == s.Side.Identity)?.Sequence ?? 0);
    }

    /// <summary>
    /// Waits until the build has reached the high-water mark its own daemon sees, and at least
    /// <paramref name="floor"/> (the live high-water mark when the rebuild began).
    /// </summary>
    /// <param name="behind">Told at every reading, for each live shard, how many events its new build still has to process.</param>
    public async Task WaitUntilCaughtUpAsync(long floor, Action<ShardName, long> behind, CancellationToken ct)
    {
        while (true)
        {
            ThrowIfStopped();
            var highWaterMark = _daemon!.HighWaterMark();
            var positions = await PositionsAsync(ct);
            // The floor until the build's own daemon has read the high-water mark (0 before that).
            foreach (var (live, side) in Shards) behind(live, Math.Max(highWaterMark, floor) - positions[side]);
            if (_daemon.HighWaterLastPolledAt is not null && highWaterMark >= floor && positions.Values.DefaultIfEmpty(0).Min() >= highWaterMark) return;
            await Task.Delay(PollEvery, ct);
        }
    }

    /// <summary>Waits until the build has processed at least up to <paramref name="position"/>.</summary>
    public async Task WaitUntilAtLeastAsync(long position, CancellationToken ct)
    {
        while (await PositionAsync(ct) < position)
        {
            ThrowIfStopped();
            await Task.Delay(PollEvery, ct);
        }
    }

    /// <summary>Stops following the log; a page being written is committed first, so the documents match the recorded position.</summary>
    public async Task StopAsync()
    {
        _log?.Stop();
        foreach (var (_, side) in Shards) await _daemon!.StopAgentAsync(side);
    }

    // A page that fails in rebuild mode pauses the shard: the build cannot complete, so say why instead of waiting forever.
    private void ThrowIfStopped()
    {
        foreach (var (_, side) in Shards)
        {
            if (_daemon!.StatusFor(side.Identity) is AgentStatus.Paused or AgentStatus.Stopped)
                throw new InvalidOperationException($"The new build ({side.Identity}) stopped before catching up; see the service log for the failing event.");
        }
    }

    /// <summary>Stops the build if it still runs, forgets its progress and drops the side schema.</summary>
    public async ValueTask DisposeAsync()
    {
        // Its agents stopped first, a page being written committed: disposed alone, the daemon let an agent write on while
        // its progress row was forgotten, and Marten logged that page's failed update as if another process ran the projection.
        _log?.Stop();
        if (_daemon is not null) await StopQuietlyAsync(_daemon);
        _daemon?.Dispose();
        _side.Dispose();
        await using var connection = Database.CreateConnection();
        await connection.OpenAsync();
        await RebuildSql.ForgetProgressAsync(connection, LiveSchema, Shards.Select(s => s.Side.Identity), CancellationToken.None);
        await RebuildSql.ExecuteAsync(connection, $"drop schema if exists {SideSchema}, {RetiredSchema} cascade", CancellationToken.None);
    }

    private static async Task StopQuietlyAsync(IProjectionDaemon daemon)
    {
        try
        {
            await daemon.StopAllAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // Already stopping or stopped: nothing is left writing.
        }
    }
}
