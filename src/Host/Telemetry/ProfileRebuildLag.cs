using System.Diagnostics.Metrics;

namespace EventCrm.Host.Telemetry;

/// <summary>
/// How far the in-place rebuild of the inline <c>CustomerProfile</c> under way in this process still has
/// to go, for the gauge <c>eventcrm.rebuild.profiles.lag</c>: the customers counted when it began less those
/// whose profile it has rebuilt, as each page commits (the figure the status route gives as
/// <c>customers</c> and <c>customersRebuilt</c>), so a scrape costs no query. No attribute: the profile is the one projection rebuilt in place. It has no
/// new build whose position <see cref="RebuildLag"/> could give. No rebuild: no measurement.
/// </summary>
public sealed class ProfileRebuildLag
{
    // One figure written whole (a long, or -1: no rebuild), so a scrape reads it without a lock.
    private long _left = -1;

    public void Update(long customers, long rebuilt) => Interlocked.Exchange(ref _left, Math.Max(customers - rebuilt, 0));

    /// <summary>The rebuild has ended (completed or failed): the figure goes.</summary>
    public void Forget() => Interlocked.Exchange(ref _left, -1);

    public IEnumerable<Measurement<long>> Observe() =>
        Interlocked.Read(ref _left) is var left and >= 0
            ? [new Measurement<long>(left)]
            : [];
}
