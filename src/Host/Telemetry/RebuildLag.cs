using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace EventCrm.Host.Telemetry;

/// <summary>
/// How far each blue/green rebuild under way in this process still has to go, for the gauge
/// <c>eventcrm.rebuild.lag</c>: per live shard being rebuilt and per database, the events between the
/// end of the log (at least its high-water mark when the rebuild began) and the new build's position.
/// The rebuild reads that position every 200 ms anyway while it waits for the new build to catch up
/// (Rebuilds/SideBuild): it hands the figures here, so a scrape costs no query. No rebuild: no measurement.
/// </summary>
public sealed class RebuildLag
{
    private readonly ConcurrentDictionary<(string Shard, string Database), long> _behind = new();

    /// <param name="shard">The live shard the new build will replace (<c>CustomerLedger:All</c>).</param>
    public void Update(string shard, string database, long lag) => _behind[(shard, database)] = Math.Max(lag, 0);

    /// <summary>The rebuild of these shards has ended (taken over, or failed): their figures go.</summary>
    public void Forget(IEnumerable<string> shards)
    {
        foreach (var shard in shards)
        foreach (var key in _behind.Keys.Where(k => k.Shard == shard)) _behind.TryRemove(key, out _);
    }

    public IEnumerable<Measurement<long>> Observe() =>
        _behind.Select(b => new Measurement<long>(b.Value,
            new KeyValuePair<string, object?>(EventCrmMetrics.Shard, b.Key.Shard), new KeyValuePair<string, object?>(EventCrmMetrics.Database, b.Key.Database))).ToArray();
}
