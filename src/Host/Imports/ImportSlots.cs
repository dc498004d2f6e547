using EventCrm.Host.Infrastructure;

namespace EventCrm.Host.Imports;

/// <summary>
/// How many imports sent over HTTP run at once (<see cref="MaxConcurrentKey"/>). Each spools a body of
/// up to 256 MB to the temporary folder, keeps up to 100,000 checked rows in memory (about 80 MB) and
/// appends through the writers the touchpoints share: without a bound, a burst of uploads filled the
/// disk and the memory. One arriving while every slot is taken is refused at once, before its body is
/// read. The import command is not counted: it runs in a process of its own.
/// </summary>
public sealed class ImportSlots : IDisposable
{
    public const string MaxConcurrentKey = "Import:MaxConcurrent";
    public const int DefaultMaxConcurrent = 2;
    /// <summary>An import of a large file takes a minute or more: asking again sooner would only be refused again.</summary>
    public const int RetryAfterSeconds = 30;

    private readonly SemaphoreSlim _free;

    public ImportSlots(IConfiguration configuration)
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
