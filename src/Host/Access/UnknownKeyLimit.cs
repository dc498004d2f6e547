using EventCrm.Host.Infrastructure;

namespace EventCrm.Host.Access;

/// <summary>
/// How many well-formed keys the store does not hold (unknown or revoked) a client address may try
/// in a minute (<see cref="PerMinuteKey"/>): each costs a database lookup, so past the limit an
/// address's unknown keys are refused with 429 without one, until its window ends. A fixed window
/// per address, opened by its first unknown key. The addresses counted at once are bounded; when
/// the table is full of open windows, an unknown key from an address not in it is refused the same
/// way, so that many addresses cannot buy lookups by crowding each other out.
/// </summary>
public sealed class UnknownKeyLimit(IConfiguration configuration, TimeProvider clock)
{
    public const string PerMinuteKey = "Auth:UnknownKeysPerMinute";
    public const int DefaultPerMinute = 30;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    /// <summary>About 15 MB when full.</summary>
    public const int MaxAddresses = 100_000;

    private readonly int _perMinute = PerMinuteOf(configuration);
    private readonly Dictionary<string, Tries> _windows = new();
    /// <summary>While the table is full of open windows, no sweep helps before this instant.</summary>
    private DateTimeOffset _fullUntil = DateTimeOffset.MinValue;

    private sealed class Tries(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;
        public int Count { get; set; }
    }

    /// <summary><see cref="PerMinuteKey"/>, checked at start (<see cref="Settings.CheckAtStart"/>).</summary>
    public static int PerMinuteOf(IConfiguration configuration)
    {
        var perMinute = Settings.Count(configuration, PerMinuteKey, DefaultPerMinute);
        return perMinute >= 1 ? perMinute : throw new SettingRefusedException($"{PerMinuteKey} must be 1 or more, not {perMinute}.");
    }

    /// <summary>
    /// Counts one try of a key that may be unknown, before it is looked up; null when the address
    /// may try it, else how long until it may. A try counted for a key that turns out valid is
    /// given back (<see cref="GiveBack"/>): only unknown keys use the allowance.
    /// </summary>
    public TimeSpan? TryTake(string address)
    {
        var now = clock.GetUtcNow();
        lock (_windows)
        {
            if (!_windows.TryGetValue(address, out var tries) || tries.Start + Window <= now)
            {
                if (tries is null && _windows.Count >= MaxAddresses && !MadeRoom(now)) return _fullUntil - now;
                _windows[address] = tries = new Tries(now);
            }
            if (tries.Count >= _perMinute) return tries.Start + Window - now;
            tries.Count++;
            return null;
        }
    }

    public void GiveBack(string address)
    {
        lock (_windows)
        {
            if (!_windows.TryGetValue(address, out var tries)) return;
            if (--tries.Count <= 0) _windows.Remove(address);
        }
    }

    /// <summary>How many addresses are counted: at most <see cref="MaxAddresses"/>.</summary>
    public int Addresses
    {
        get { lock (_windows) return _windows.Count; }
    }

    private bool MadeRoom(DateTimeOffset now)
    {
        if (now < _fullUntil) return false;
        foreach (var (address, tries) in _windows)
            if (tries.Start + Window <= now) _windows.Remove(address);
        if (_windows.Count < MaxAddresses) return true;
        _fullUntil = _windows.Values.Min(t => t.Start) + Window;
        return false;
    }
}
