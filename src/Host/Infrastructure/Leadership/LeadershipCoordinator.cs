using System.Collections.Concurrent;
using JasperFx.Descriptors;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using EventCrm.Host.Sharding;
using Marten;
using Marten.Events.Daemon.Coordination;
using Marten.Exceptions;
using Marten.Storage;
using Npgsql;
using Polly;
using Polly.Retry;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;

namespace EventCrm.Host.Infrastructure.Leadership;

/// <summary>
/// Marten's HotCold daemon coordination (the same leadership loop, distributors and lock ids, so
/// every node agrees on who runs what) with leadership locks that hold no snapshot
/// (<see cref="SessionAdvisoryLock"/>).
/// </summary>
/// <remarks>
/// Marten builds its lock factory privately, so this coordinator supplies the distributor itself
/// and leaves building and caching the daemons to a Marten coordinator that is never started.
/// Starting, pausing, resuming and stopping take turns (<see cref="OneAtATimeAsync"/>), and once
/// the host stops the coordinator it stays stopped until the host starts it again.
/// </remarks>
public sealed class LeadershipCoordinator : ProjectionCoordinatorBase, IProjectionCoordinator, JasperFx.Events.Daemon.IProjectionCoordinator,
    IHostedService, IAsyncDisposable
{
    private readonly IDocumentStore _store;
    private readonly ProjectionCoordinator _daemons;
    private readonly ConcurrentDictionary<string, IProjectionDaemon> _resolved = new();
    private readonly SemaphoreSlim _control = new(1, 1);
    private readonly ILogger _logger;
    private readonly LocksKeptWhilePaused? _locks;
    private readonly StoppedShardRestarts? _restarts;
    private bool _stopped;
    private int _disposed;

    public LeadershipCoordinator(IDocumentStore store, IConfiguration configuration, ILoggerFactory loggers)
        : this(store, (StoreOptions)store.Options, LeadershipRegistration.RunsDaemon(configuration), loggers)
    {
    }

    /// <summary>Without a distributor (<c>Marten:Daemon=off</c>) the base never starts its leadership loop, nor resumes it.</summary>
    private LeadershipCoordinator(IDocumentStore store, StoreOptions options, bool runsDaemon, ILoggerFactory loggers)
        // The loop's own log, with a start that a stop cut short said as such (LeadershipLoopLog).
        : base(runsDaemon ? Distribution(options, store, loggers) : null, LeadershipLoopLog.For(loggers), AgentStartRetries,
            options.Events.TimeProvider, PollingTime(options), options.Projections.AgentPauseTime, options.Projections.HealthCheckPollingTime)
    {
        _store = store;
        _logger = loggers.CreateLogger<LeadershipCoordinator>();
        _locks = Distributor as LocksKeptWhilePaused;
        _daemons = new ProjectionCoordinator(store, loggers.CreateLogger<ProjectionCoordinator>());
        if (Distributor is not null) _restarts = new StoppedShardRestarts(Distributor, ResolveDaemon, PollingTime(options), _logger);
        if (!runsDaemon)
            _logger.LogInformation(
                "{Setting}=off: this node runs no async projection or subscription; the other nodes keep them", LeadershipRegistration.DaemonSetting);
    }

    /// <summary>What Marten's coordinator retries when starting an agent (its own pipeline is internal).</summary>
    public static readonly ResiliencePipeline AgentStartRetries = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>().Handle<MartenCommandException>(),
            MaxRetryAttempts = 3,
            Delay = TimeSpan.FromMilliseconds(50),
            BackoffType = DelayBackoffType.Exponential
        })
        .Build();

    private static TimeSpan PollingTime(StoreOptions options) => TimeSpan.FromMilliseconds(options.Projections.LeadershipPollingTime);

    /// <summary>The distributor every node builds alike: its sets and lock ids say who may run what (also read by <see cref="Rebuilds.ProjectionLocks"/>).</summary>
    public static IProjectionDistributor Distribution(StoreOptions options, IDocumentStore store, ILoggerFactory loggers)
    {
        var projections = options.Projections;
        var keepAlive = PollingTime(options);
        var logger = loggers.CreateLogger<SessionAdvisoryLock>();
        IEnumerable<ShardName> Shards() => projections.AllShards().Select(shard => shard.Name);
        IProjectionSet Set(IProjectionDatabase database, IReadOnlyList<ShardName> names, int lockId) => new ProjectionSet(lockId, (MartenDatabase)database, names);
        IAdvisoryLock Lock(IProjectionDatabase database) => new SessionAdvisoryLock(((MartenDatabase)database).DataSource, database.Identifier, keepAlive, logger);
        var perTenant = ((IEventStore)store).DistributesAgentsPerTenant;

        if (store.Options.Tenancy.Cardinality == DatabaseCardinality.Single)
            return new LocksKeptWhilePaused(new SingleTenantProjectionDistributor(() => (IProjectionDatabase)store.Storage.Database, Shards, Lock, Set,
                options.Events.DatabaseSchemaName, projections.DaemonLockId, perTenant));

        return new LocksKeptWhilePaused(new HomeDatabaseFirst(new MultiTenantedProjectionDistributor(
            async () => (await store.Storage.AllDatabases()).OfType<IProjectionDatabase>().ToList(),
            Shards, Lock, Set, projections.DaemonLockId, perTenant), TenancySettings.TenantIdOf(0)));
    }

    // Marten's coordinator API names a database's daemon by the identifier string it obsoletes
    // elsewhere (DaemonForDatabase(string)), so this class keeps using it.
#pragma warning disable CS0618
    protected override IProjectionDaemon ResolveDaemon(IProjectionSet set) =>
        _resolved.TryGetValue(set.Database.Identifier, out var daemon)
            ? daemon
            // Once per database: static tenancy finds its databases without I/O.
            : Remember(set.Database.Identifier, _daemons.DaemonForDatabase(set.Database.Identifier).AsTask().GetAwaiter().GetResult());

    protected override IReadOnlyList<IProjectionDaemon> ResolvedDaemons() => [.. _resolved.Values];

    protected override void ClearResolvedDaemons() => _resolved.Clear();

    public override IProjectionDaemon DaemonForMainDatabase() =>
        Remember(_store.Storage.Database.Identifier, _daemons.DaemonForMainDatabase());

    public override async ValueTask<IProjectionDaemon> DaemonForDatabase(string databaseIdentifier) =>
        Remember(databaseIdentifier, await _daemons.DaemonForDatabase(databaseIdentifier));

    public override async ValueTask<IReadOnlyList<IProjectionDaemon>> AllDaemonsAsync()
    {
        var daemons = new List<IProjectionDaemon>();
        foreach (var database in await _store.Storage.AllDatabases()) daemons.Add(await DaemonForDatabase(database.Identifier));
        return daemons;
    }
#pragma warning restore CS0618

    /// <summary>Whether this node runs the home database's projections (the only database's, without <c>Tenancy:Databases</c>).</summary>
    public async Task<bool> LeadsHomeDatabaseAsync() =>
        Distributor is { } distributor && (await distributor.BuildDistributionAsync()) is [var home, ..] && distributor.HasLock(home);

    public new Task StartAsync(CancellationToken cancellationToken) => OneAtATimeAsync(async () =>
    {
        _stopped = false;
        await StartKeepingLocksAsync(() => base.StartAsync(cancellationToken));
        _restarts?.Start();
    });

    public new Task PauseAsync() => OneAtATimeAsync(async () =>
    {
        // First: a pause stops every agent on purpose, and they must stay stopped until the resume.
        if (_restarts is not null) await _restarts.StopAsync();
        if (_locks is not null) _locks.Paused = true;
        await base.PauseAsync();
    });

    /// <summary>
    /// Does nothing once the host has stopped the coordinator: a rebuild's take-over that ends
    /// during shutdown must not start the leadership loop again and take locks the stop gave up.
    /// </summary>
    public new Task ResumeAsync() => OneAtATimeAsync(async () =>
    {
        if (_stopped)
        {
            _logger.LogInformation("Not resuming the projection coordinator: the host has stopped it");
            return;
        }
        await StartKeepingLocksAsync(base.ResumeAsync);
        _restarts?.Start();
    });

    public override Task StopAsync(CancellationToken cancellationToken) => OneAtATimeAsync(async () =>
    {
        _stopped = true;
        if (_restarts is not null) await _restarts.StopAsync();
        await base.StopAsync(cancellationToken);
        // The daemons are disposed now; the inner coordinator must forget them too, so that a
        // later start builds fresh ones.
        await _daemons.StopAsync(cancellationToken);
    });

    /// <summary>Starting first stops a loop still running: its agents cancelled while starting must not give the locks up either.</summary>
    private async Task StartKeepingLocksAsync(Func<Task> start)
    {
        if (_locks is not null) _locks.Paused = true;
        await start();
        if (_locks is not null) _locks.Paused = false;
    }

    /// <summary>
    /// JasperFx's coordinator keeps its leadership loop's bookkeeping without a lock: two of these
    /// calls overlapping (a take-over's resume and the host's stop, say) can cancel a disposed
    /// token source or leave a loop running that nothing stops any more.
    /// </summary>
    private async Task OneAtATimeAsync(Func<Task> control)
    {
        await _control.WaitAsync();
        try
        {
            await control();
        }
        finally
        {
            _control.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await StopAsync(CancellationToken.None);
        await _daemons.DisposeAsync();
    }

    private IProjectionDaemon Remember(string databaseIdentifier, IProjectionDaemon daemon) => _resolved.GetOrAdd(databaseIdentifier, daemon);
}
