using EventCrm.Host.Rebuilds;
using EventCrm.Host.Telemetry;
using Marten;

namespace EventCrm.Host.Infrastructure.Paging;

/// <summary>
/// Every second, sets the page size of the async projections and subscriptions from how far the
/// slowest of them is behind the log (<see cref="DaemonPages.For"/>). The daemon reads the size afresh for each page.
/// Each shard's lag goes to the gauge eventcrm.projection.lag on the way (<see cref="ProjectionLag"/>).
/// </summary>
public sealed class DaemonPagePacing(IDocumentStore store, DaemonPages pages, ProjectionLag lags, ILogger<DaemonPagePacing> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await AdjustAsync(stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // Pacing is an optimisation: the pages keep their size, and the service must not
                    // stop over it (an exception escaping a BackgroundService stops the host).
                    logger.LogDebug(e, "Could not read the projections' progress to size the daemon's pages");
                }
            }
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // The service stops: whatever the last look at the progress met (a database out of reach among them) ends with it,
            // not as the Critical "BackgroundService has thrown an unhandled exception" with its stack trace.
        }
    }

    private int _pageSize = pages.Live;

    /// <summary>Reads the lag, sets the page size it calls for on every async shard, and returns both.</summary>
    public async Task<(long Lag, int PageSize)> AdjustAsync(CancellationToken ct)
    {
        var shards = ((StoreOptions)store.Options).Projections.AllShards();
        if (shards.Count == 0) return (0, _pageSize);

        var lag = await LagAsync(shards.Select(s => s.Name.Identity).ToArray(), ct);
        var next = pages.For(lag, _pageSize);
        if (next != _pageSize) logger.LogInformation("Async projections {Lag} events behind the log: pages of {PageSize} events from now on", lag, next);
        _pageSize = next;
        foreach (var shard in shards) shard.Options.BatchSize = next;
        return (lag, next);
    }

    private async Task<long> LagAsync(string[] shards, CancellationToken ct)
    {
        long worst = 0;
        var each = new List<(string Shard, string Database, long Lag)>();
        foreach (var database in await store.Storage.AllDatabases())
        {
            var states = await database.AllProjectionProgress(ct);
            // The last committed event, not the sequence's last number (Marten's FetchHighestEventSequenceNumber):
            // numbers drawn by an append in flight, or lost to one rolled back, are no events to process.
            var head = await LogHead.HighWaterMarkAsync(database, store.Options.Events.DatabaseSchemaName, states, ct);
            var progress = states.ToDictionary(p => p.ShardName, p => p.Sequence);
            // A shard without progress has not started: all of the log is ahead of it.
#pragma warning disable CS0618 // Identifier: the name the daemon's own logs give the database (Marten's store, or the tenant's), which the Id object does not print
            foreach (var shard in shards) each.Add((shard, database.Identifier, Math.Max(head - progress.GetValueOrDefault(shard), 0)));
#pragma warning restore CS0618
            var slowest = shards.Min(shard => progress.GetValueOrDefault(shard));
            worst = Math.Max(worst, Math.Max(head - slowest, 0));
        }
        lags.Update(each);
        return worst;
    }
}
