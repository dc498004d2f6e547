using JasperFx;
using JasperFx.Events.Daemon;

namespace EventCrm.Host.Infrastructure.Leadership;

/// <summary>
/// Starts again, on the node that holds their lock, the shards its daemon stopped for good.
/// </summary>
/// <remarks>
/// When another process has moved a shard's progression under it, the daemon stops the shard's agent
/// (ProgressionProgressOutOfOrderException: "multiple processes try to process the projection") and
/// leaves it listed as stopped; JasperFx's leadership loop starts only agents that are missing or
/// paused, so the shard stayed stopped for as long as the node ran, its projection stale. Seen after a
/// database restart with two nodes: the node that had run the shards kept running them until its next
/// poll noticed the lost session, while the other node had already taken their locks; the new holder's
/// agents failed against the old one's commits. The stopped batch wrote nothing (its projection writes
/// and its progression are one transaction), so the holder resumes from the committed progression.
/// </remarks>
public sealed class StoppedShardRestarts(IProjectionDistributor distributor, Func<IProjectionSet, IProjectionDaemon> daemonOf, TimeSpan every, ILogger logger)
{
    private CancellationTokenSource? _running;
    private Task? _loop;

    public void Start()
    {
        if (_loop is not null) return;
        _running = new CancellationTokenSource();
        var token = _running.Token;
        _loop = Task.Run(() => CheckEvery(token), token);
    }

    /// <summary>Before a pause or a stop, which stop every agent on purpose.</summary>
    public async Task StopAsync()
    {
        if (_loop is null) return;
        await _running!.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        _running.Dispose();
        (_loop, _running) = (null, null);
    }

    private async Task CheckEvery(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(every);
        while (await timer.WaitForNextTickAsync(ct)) await RestartStoppedAsync(ct);
    }

    /// <summary>Every agent listed as stopped in a set whose lock this node holds is started again.</summary>
    public async Task RestartStoppedAsync(CancellationToken ct)
    {
        try
        {
            foreach (var set in await distributor.BuildDistributionAsync())
            {
                if (!distributor.HasLock(set)) continue;
                var daemon = daemonOf(set);
                var stopped = daemon.CurrentAgents().Where(agent => agent.Status == AgentStatus.Stopped && set.Names.Any(agent.Name.Equals)).ToArray();
                foreach (var agent in stopped)
                {
                    logger.LogWarning("Shard {Shard} of database {Database} was stopped while this node holds its lock; starting it again from its committed progression",
                        agent.Name.Identity, set.Database.Identifier);
                    await daemon.StartAgentAsync(agent.Name.Identity, ct);
                }
            }
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The next check tries again (the database out, say: the outage log holds this back).
            logger.LogWarning(e, "Could not start the stopped shards again");
        }
    }
}
