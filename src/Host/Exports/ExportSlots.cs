using EventCrm.Host.Infrastructure;

namespace EventCrm.Host.Exports;

/// <summary>
/// How many exports sent over HTTP (<c>GET /api/events</c>) stream at once on a node
/// (<see cref="MaxConcurrentKey"/>). Each holds a pooled database connection per database for as long
/// as its client reads, with no command timeout: a client reading slowly keeps it for minutes or hours.
/// Without a bound, a handful of slow exports took every connection of the pool (100 by default), and
/// every other request of the node, the daemon's and the health check's waited 3 s for one and was
/// answered 503. One arriving while every slot is taken is refused at once, before it touches the
/// database. The export command is not counted: it runs in a process of its own.
/// </summary>
public sealed class ExportSlots(IConfiguration configuration) : ConcurrencySlots(configuration, MaxConcurrentKey, DefaultMaxConcurrent)
{
    public const string MaxConcurrentKey = "Export:MaxConcurrent";
    public const int DefaultMaxConcurrent = 4;
    /// <summary>An export of the whole log takes a minute or more: asking again sooner would only be refused again.</summary>
    public const int RetryAfterSeconds = 30;

    /// <summary><see cref="MaxConcurrentKey"/>, checked at start (<see cref="Settings.CheckAtStart"/>).</summary>
    public static int MaxConcurrentOf(IConfiguration configuration) => MaxOf(configuration, MaxConcurrentKey, DefaultMaxConcurrent);
}
