using System.Diagnostics.Metrics;
using EventCrm.Host.Retention;
using EventCrm.Host.Sharding;
using Marten;

namespace EventCrm.Host.Telemetry;

/// <summary>
/// The retention offers open now, for <c>eventcrm.retention.offers.open</c>: counted every 15 s over the
/// clients asking to cancel (the desk's work list, a partial index: a few hundred profiles even at a
/// million customers, docs/scaling.md), so that a scrape costs no query. Nothing counted yet: no measurement.
/// </summary>
public sealed class OpenOffers(CustomerDatabases databases, TimeProvider clock, ILogger<OpenOffers> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(15);
    private Measurement<long>[] _last = [];

    public IEnumerable<Measurement<long>> Observe() => _last;

    /// <summary>Counts the offers still open (<see cref="RetentionDesk.StillOpen"/>) in every database, and keeps the figure.</summary>
    public async Task<long> CountAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var asking = await databases.InEachAsync(session => GetPendingCancellationsEndpoint.AskingToCancel(session).ToListAsync(ct));
        var open = asking.Sum(profiles => profiles.Sum(p => p.OpenOffers.Count(o => RetentionDesk.StillOpen(o, now))));
        _last = [new Measurement<long>(open)];
        return open;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            do
            {
                try
                {
                    await CountAsync(stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // A figure for the dashboard: the last one stays, and the service must not stop over it.
                    logger.LogDebug(e, "Could not count the open retention offers");
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
