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
public sealed class ExportSlots : IDisposable
{
    public const string MaxConcurrentKey = "Export:MaxConcurrent";
    public const int DefaultMaxConcurrent = 4;
    /// <summary>An export of the whole log takes a minute or more: asking again sooner would only be refused again.</summary>
    public const int RetryAfterSeconds = 30;

    private readonly SemaphoreSlim _free;

    public ExportSlots(IConfiguration configuration)
    {
        Max = MaxConcurrentOf(configuration);
        _free = new SemaphoreSlim(Max, Max);
    }

    public int Max { get; }

    /// <summary><see cref="MaxConcurrentKey"/>, checked at start (<see cref="Settings.CheckAtStart"/>).</summary>
    public static int MaxConcurrentOf(IConfiguration configuration)
    {
        var max = Settings.Count(configuration, MaxConcurrentKey, DefaultMaxConcurrent);
        return max >= 1 ? max : throw new SettingRefusedException($"{MaxConcurrentKey} must be 1 or more, not {max}.");
    }

    /// <summary>A slot, given back when disposed; null at once when every slot is taken (never waits).</summary>
    public IDisposable? TryTake() => _free.Wait(0) ? new Slot(_free) : null;

    public void Dispose() => _free.Dispose();

    private sealed class Slot(SemaphoreSlim free) : IDisposable
    {
        private int _given;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _given, 1) == 0) free.Release();
        }
    }
}
