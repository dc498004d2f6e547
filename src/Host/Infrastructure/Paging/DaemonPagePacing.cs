using Marten;

namespace EventCrm.Host.Infrastructure.Paging;

/// <summary>
/// Every second, sets the page size of the async projections and subscriptions from how far the
/// slowest of them is behind the log (<see cref="DaemonPages.For"/>). The daemon reads the size afresh for each page.
/// </summary>
public sealed class DaemonPagePacing(IDocumentStore store, DaemonPages pages, ILogger<DaemonPagePacing> logger) : BackgroundService
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
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
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
        foreach (var database in await store.Storage.AllDatabases())
        {
            var head = await database.FetchHighestEventSequenceNumber(ct);
            var progress = (await database.AllProjectionProgress(ct)).ToDictionary(p => p.ShardName, p => p.Sequence);
            // A shard without progress has not started: all of the log is ahead of it.
            var slowest = shards.Min(shard => progress.GetValueOrDefault(shard));
            worst = Math.Max(worst, head - slowest);
        }
        return worst;
    }
}
