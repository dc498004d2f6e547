namespace EventCrm.Host.Models;

/// <summary>
/// One refit over HTTP at a time on a node. A refit reads the whole log and fits over every customer (17.8 s
/// at demo size on two cores): 6 at once took 110 s each, and each recorded a model event of its own, the
/// last to end putting its model in force. A refit asked while one runs is refused at once and records
/// nothing; the running one puts in force a model fitted over the same log. The clv-refit command is not
/// counted: it runs in a process of its own.
/// </summary>
public sealed class RefitTurn(TimeProvider clock)
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _runningSince;

    /// <summary>A refit takes 20 s or so at demo size: asking again sooner would only be refused again.</summary>
    public const int RetryAfterSeconds = 20;

    /// <summary>The turn, given back when disposed; null at once, with when the running refit started, when it is taken (never waits).</summary>
    public IDisposable? TryTake(out DateTimeOffset runningSince)
    {
        lock (_gate)
        {
            if (_runningSince is { } since)
            {
                runningSince = since;
                return null;
            }
            runningSince = clock.GetUtcNow();
            _runningSince = runningSince;
            return new Turn(this);
        }
    }

    private void GiveBack()
    {
        lock (_gate) _runningSince = null;
    }

    private sealed class Turn(RefitTurn turn) : IDisposable
    {
        private int _given;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _given, 1) == 0) turn.GiveBack();
        }
    }
}
