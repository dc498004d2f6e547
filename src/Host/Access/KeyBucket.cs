using System.Threading.RateLimiting;

namespace EventCrm.Host.Access;

/// <summary>
/// One key's token bucket (<see cref="KeyRates"/>): <c>perSecond</c> tokens, refilled continuously at
/// <c>perSecond</c> a second; a request takes one or is refused, never queued. Written here rather than
/// taken from System.Threading.RateLimiting because its buckets read the Stopwatch and refill on a timer
/// of their own: this one reads the service's clock, which a test sets.
/// </summary>
public sealed class KeyBucket(int perSecond, TimeProvider clock) : RateLimiter
{
    private double _tokens = perSecond;
    private DateTimeOffset _at = clock.GetUtcNow();

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (this)
            {
                // Full since then: PartitionedRateLimiter drops a bucket idle for a while, so keys no longer used cost no memory.
                var fullSince = _at + TimeSpan.FromSeconds((perSecond - _tokens) / perSecond);
                var now = clock.GetUtcNow();
                return now >= fullSince ? now - fullSince : null;
            }
        }
    }

    public override RateLimiterStatistics GetStatistics()
    {
        lock (this) return new RateLimiterStatistics { CurrentAvailablePermits = (long)Refilled(clock.GetUtcNow()) };
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, perSecond);
        lock (this)
        {
            var now = clock.GetUtcNow();
            (_tokens, _at) = (Refilled(now), now);
            if (_tokens >= permitCount)
            {
                _tokens -= permitCount;
                return Lease.Taken;
            }
            return new Lease(TimeSpan.FromSeconds((permitCount - _tokens) / perSecond));
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private double Refilled(DateTimeOffset now) => Math.Min(perSecond, _tokens + (now - _at).TotalSeconds * perSecond);

    /// <param name="retryAfter">Null when the request took its token.</param>
    private sealed class Lease(TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Taken = new(null);

        public override bool IsAcquired => retryAfter is null;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
