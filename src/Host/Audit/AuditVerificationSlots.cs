using EventCrm.Host.Infrastructure;

namespace EventCrm.Host.Audit;

/// <summary>
/// How many verifications of the whole log over HTTP (<c>GET /api/audit/verify</c>) run at once on a node
/// (<see cref="MaxConcurrentKey"/>). Each recomputes every stream's hash chain, about 15 s for 215,000 events
/// on two cores: without a bound, 8 at once took 48-57 s each, a desk's timeline read went from 10 ms to 9 s,
/// and the database outage log fired a timeout. One arriving while every slot is taken is refused at once,
/// before it reads anything. The audit-verify command is not counted: it runs in a process of its own.
/// </summary>
public sealed class AuditVerificationSlots(IConfiguration configuration) : ConcurrencySlots(configuration, MaxConcurrentKey, DefaultMaxConcurrent)
{
    public const string MaxConcurrentKey = "Audit:MaxConcurrentVerifications";
    public const int DefaultMaxConcurrent = 1;
    /// <summary>A verification of the demo base takes about 15 s: asking again sooner would only be refused again.</summary>
    public const int RetryAfterSeconds = 30;

    /// <summary><see cref="MaxConcurrentKey"/>, checked at start (<see cref="Settings.CheckAtStart"/>).</summary>
    public static int MaxConcurrentOf(IConfiguration configuration) => MaxOf(configuration, MaxConcurrentKey, DefaultMaxConcurrent);
}
