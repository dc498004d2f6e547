using System.Collections.Concurrent;
using EventCrm.Host.Infrastructure.Leadership;
using EventCrm.Tests.Support;
using JasperFx;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Microsoft.Extensions.Logging;
using Shouldly;

namespace EventCrm.Tests.Scaling;

/// <summary>
/// Seen in CI as a test Host started and was reset (a pause): "Error trying to start subscription
/// SpendByCategory:All on database Main". JasperFx's leadership loop, run by <see cref="LeadershipCoordinator"/>,
/// was cancelled by the pause just as its lock came back granted (pg_try_advisory_lock is not
/// cancellable); each shard it came to next "failed" with an OperationCanceledException that the start's
/// retry pipeline throws before trying anything, logged as an Error. The loop here is JasperFx's own, with the
/// coordinator's log and retries, over a distributor whose lock is granted only once the pause has begun.
/// </summary>
public class when_the_leadership_loop_is_stopped_as_it_comes_to_a_shard
{
    private static readonly ShardName[] Shards = [new("CustomerLedger", "All", 1), new("SpendByCategory", "All", 1)];

    [Fact]
    public async Task the_shards_it_does_not_start_are_said_not_started_at_information_not_as_errors()
    {
        var logs = new CapturedLogs();
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var started = new ConcurrentQueue<string>();
        var distributor = new LockGrantedDuringAPause();
        var loop = new LeadershipLoop(distributor, Daemon(started), loggers);
        distributor.Loop = loop;

        await loop.StartAsync(default);
        await distributor.Paused.Task.WaitAsync(TimeSpan.FromSeconds(10));

        started.ShouldBeEmpty("a stopped loop tries no start");
        var said = logs.Since(0).Where(e => e.Category == typeof(LeadershipCoordinator).FullName).ToList();
        said.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Message} ({e.Exception?.GetType().Name})").ShouldBeEmpty();
        said.Where(e => e.Level == LogLevel.Information && e.Message.Contains(" not started: ")).Select(e => e.Message).ShouldBe(
        [
            "Shard CustomerLedger:All of database Main not started: the leadership loop was being stopped (a pause, a restart of the loop or " +
            "the host's stop) when it came to it; the loop starts it when it runs again",
            "Shard SpendByCategory:All of database Main not started: the leadership loop was being stopped (a pause, a restart of the loop or " +
            "the host's stop) when it came to it; the loop starts it when it runs again",
        ]);
    }

    [Fact]
    public void a_start_that_fails_for_a_cause_stays_an_error_with_its_cause()
    {
        var logs = new CapturedLogs();
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var cause = new InvalidOperationException("the progression table is gone");

        LeadershipLoopLog.For(loggers).LogError(cause, LeadershipLoopLog.StartFailed, "SpendByCategory:All", "Main");

        var error = logs.Since(0).ShouldHaveSingleItem();
        (error.Level, error.Message, error.Exception).ShouldBe((LogLevel.Error, "Error trying to start subscription SpendByCategory:All on database Main", cause));
    }

    private static IProjectionDaemon Daemon(ConcurrentQueue<string> started) => StandIn<IProjectionDaemon>.With(new()
    {
        [nameof(IProjectionDaemon.CurrentAgents)] = _ => Array.Empty<ISubscriptionAgent>(),
        [nameof(IProjectionDaemon.StartAgentAsync)] = args => { started.Enqueue((string)args[0]!); return Task.CompletedTask; },
        [nameof(IProjectionDaemon.StatusFor)] = _ => AgentStatus.Stopped,
        [nameof(IProjectionDaemon.HasAnyPaused)] = _ => false,
        [nameof(IProjectionDaemon.StopAllAsync)] = _ => Task.CompletedTask,
    });

    /// <summary>One database, "Main", whose lock the loop is granted once a pause has cancelled it (the race, every time).</summary>
    private sealed class LockGrantedDuringAPause : IProjectionDistributor
    {
        public LeadershipLoop Loop { get; set; } = null!;
        public TaskCompletionSource Paused { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private readonly IProjectionSet _set = StandIn<IProjectionSet>.With(new()
        {
            ["get_LockId"] = _ => 4444,
            ["get_Names"] = _ => Shards,
            ["get_Database"] = _ => StandIn<IProjectionDatabase>.With(new() { ["get_Identifier"] = _ => "Main" }),
        });

        public ValueTask<IReadOnlyList<IProjectionSet>> BuildDistributionAsync() => ValueTask.FromResult<IReadOnlyList<IProjectionSet>>([_set]);

        public Task RandomWait(CancellationToken token) => Task.CompletedTask;

        public bool HasLock(IProjectionSet set) => false;

        public async Task<bool> TryAttainLockAsync(IProjectionSet set, CancellationToken token)
        {
            // The pause waits for this very loop to end: started beside it, not awaited here.
            _ = Task.Run(async () =>
            {
                await Loop.PauseAsync();
                Paused.SetResult();
            });
            await Waits.Until(() => token.IsCancellationRequested);
            return true;
        }

        public Task ReleaseLockAsync(IProjectionSet set) => Task.CompletedTask;

        public Task ReleaseAllLocks() => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>JasperFx's loop with what <see cref="LeadershipCoordinator"/> gives it: its log and its start retries.</summary>
    private sealed class LeadershipLoop(IProjectionDistributor distributor, IProjectionDaemon daemon, ILoggerFactory loggers)
        : ProjectionCoordinatorBase(distributor, LeadershipLoopLog.For(loggers), LeadershipCoordinator.AgentStartRetries, TimeProvider.System,
            TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1))
    {
        protected override IProjectionDaemon ResolveDaemon(IProjectionSet set) => daemon;

        protected override IReadOnlyList<IProjectionDaemon> ResolvedDaemons() => [daemon];

        protected override void ClearResolvedDaemons()
        {
        }

        public override IProjectionDaemon DaemonForMainDatabase() => daemon;

        public override ValueTask<IProjectionDaemon> DaemonForDatabase(string databaseIdentifier) => ValueTask.FromResult(daemon);

        public override ValueTask<IReadOnlyList<IProjectionDaemon>> AllDaemonsAsync() => ValueTask.FromResult<IReadOnlyList<IProjectionDaemon>>([daemon]);
    }
}
