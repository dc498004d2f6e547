using EventCrm.Host.Sharding;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;

namespace EventCrm.Host.Reliability;

/// <summary>
/// An async projection's or a subscription's page (the Marten daemon's) that meets a pooled
/// connection out of step (<see cref="PreparedStatementsOutOfStep"/>) closes the node's pooled
/// connections, as a request does (<see cref="FaultProblems"/>). The page itself is the daemon's to
/// run again: a page that throws pauses its shard (JasperFx's <c>SubscriptionAgent.ReportCriticalFailureAsync</c>
/// publishes a <see cref="ShardAction.Paused"/> state carrying the exception), and the leadership loop
/// starts a paused shard again after <c>HealthCheckPollingTime</c> (5 s), from its committed progression.
/// Without the reset that new start took a connection from the same pool, met the same broken
/// connections, and the shard stayed paused for as long as they lived. JasperFx has no hook around a
/// page (its <c>ErrorHandlingOptions</c> only skip events), so the reset listens to each database's
/// <see cref="ShardStateTracker"/>, where every shard's states are published.
/// </summary>
public sealed class OutOfStepShardResets(CustomerDatabases databases, PreparedStatementsOutOfStep outOfStep, ILogger<OutOfStepShardResets> logger)
    : IHostedService, IObserver<ShardState>
{
    private readonly Lock _gate = new();
    private List<IDisposable> _subscriptions = [];
    private bool _stopped;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate) _stopped = false;
        var all = await databases.AllAsync();
        // A stop may come while the databases are looked up (a host stopped as it starts): it wins.
        lock (_gate)
        {
            if (_stopped) return;
            foreach (var database in all)
                if (database is IEventDatabase events) _subscriptions.Add(events.Tracker.Subscribe(this));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        List<IDisposable> subscriptions;
        lock (_gate) (_stopped, subscriptions, _subscriptions) = (true, _subscriptions, []);
        foreach (var subscription in subscriptions) subscription.Dispose();
        return Task.CompletedTask;
    }

    public void OnNext(ShardState state)
    {
        if (state.Action != ShardAction.Paused || state.Exception is not { } exception || !PreparedStatementsOutOfStep.Caused(exception)) return;
        logger.LogWarning(
            "{Shard}: a database connection had lost track of its prepared statements ({Error}); the node's pooled connections are closed " +
            "and opened afresh; the daemon starts the shard again from its committed progression",
            state.ShardName, DatabaseFaults.Chain(exception).Last().Message);
        // Off the tracker's own delivery: its listeners are told one state after the other.
        _ = Task.Run(async () =>
        {
            try
            {
                await outOfStep.ReopenConnectionsAsync();
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Could not close the node's pooled connections after {Shard} met one out of step", state.ShardName);
            }
        });
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }
}
