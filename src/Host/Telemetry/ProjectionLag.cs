using System.Diagnostics.Metrics;

namespace EventCrm.Host.Telemetry;

/// <summary>
/// The last lag read of every async shard in every database, for the gauge <c>eventcrm.projection.lag</c>.
/// The daemon's page pacing reads the log's end and the shards' positions every second anyway
/// (Infrastructure/Paging/DaemonPagePacing): it hands them here, so a scrape or an export costs no
/// query, and every node answers, whichever runs the shards. Nothing read yet: no measurement.
/// </summary>
public sealed class ProjectionLag
{
    private Measurement<long>[] _last = [];

    /// <param name="lags">Events behind the log's end of each shard (its identity, e.g. <c>CustomerLedger:All</c>) in each database.</param>
    public void Update(IEnumerable<(string Shard, string Database, long Lag)> lags) =>
        _last = lags.Select(l => new Measurement<long>(l.Lag,
            new KeyValuePair<string, object?>(EventCrmMetrics.Shard, l.Shard), new KeyValuePair<string, object?>(EventCrmMetrics.Database, l.Database))).ToArray();

    public IEnumerable<Measurement<long>> Observe() => _last;
}
