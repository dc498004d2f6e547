namespace EventCrm.Host.Infrastructure;

/// <summary>
/// A bound on how many long requests of one kind a node runs at once, read from a setting of its
/// own. A request arriving while every slot is taken is refused at once, never queued: the client
/// is told to come back later, before any of the request's work is started.
/// </summary>
public abstract class ConcurrencySlots : IDisposable
{
    private readonly SemaphoreSlim _free;

    protected ConcurrencySlots(IConfiguration configuration, string key, int byDefault)
    {
        Max = MaxOf(configuration, key, byDefault);
        _free = new SemaphoreSlim(Max, Max);
    }

    public int Max { get; }

    /// <summary>The setting's value, 1 or more, checked at start (<see cref="Settings.CheckAtStart"/>).</summary>
    protected static int MaxOf(IConfiguration configuration, string key, int byDefault)
    {
        var max = Settings.Count(configuration, key, byDefault);
        return max >= 1 ? max : throw new SettingRefusedException($"{key} must be 1 or more, not {max}.");
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
