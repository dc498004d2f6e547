using JasperFx.Events.Projections;
using Marten;
using Npgsql;

namespace EventCrm.Host.Infrastructure.Paging;

/// <summary>
/// Every second, sets the async projections' page size from how far the slowest of them is
/// behind the log (<see cref="DaemonPages.For"/>). The daemon reads the size afresh for each page.
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
                catch (Exception e) when (e is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
                {
                    // The pages keep their size; the database's trouble shows where it matters (appends, health).
                    logger.LogDebug(e, "Could not read the projections' progress to size the daemon's pages");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reads the lag, sets the page size it calls for, and returns both.</summary>
    public async Task<(long Lag, int PageSize)> AdjustAsync(CancellationToken ct)
    {
        var options = (StoreOptions)store.Options;
        var projections = options.Projections.All.Where(p => p.Lifecycle == ProjectionLifecycle.Async).OfType<ProjectionBase>().ToArray();
        if (projections.Length == 0) return (0, pages.Live);

        var lag = await LagAsync(options, projections, ct);
        var current = projections[0].Options.BatchSize;
        var next = pages.For(lag, current);
        if (next == current) return (lag, current);

        foreach (var projection in projections) projection.Options.BatchSize = next;
        logger.LogInformation("Async projections {Lag} events behind the log: pages of {PageSize} events from now on", lag, next);
        return (lag, next);
    }

    private async Task<long> LagAsync(StoreOptions options, ProjectionBase[] projections, CancellationToken ct)
    {
        var paced = projections.Select(p => p.Options).ToHashSet();
        var shards = options.Projections.AllShards().Where(s => paced.Contains(s.Options)).Select(s => s.Name.Identity).ToArray();
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
