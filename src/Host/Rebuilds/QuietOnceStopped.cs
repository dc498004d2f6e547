namespace EventCrm.Host.Rebuilds;

/// <summary>
/// The side build's daemon's logger. Once the build is stopped on purpose (the take-over, the end of
/// the rebuild, the node's own stop), what its agents say as they are cut short ("Error trying to
/// load events" with an ObjectDisposedException, a page's failed progress update) is a consequence
/// of the stop, not a fault: it is kept at Debug, so that the log does not read as if the rebuild
/// had failed or another process ran the projection.
/// </summary>
public sealed class QuietOnceStopped(ILogger inner) : ILogger
{
    private volatile bool _stopped;

    public void Stop() => _stopped = true;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(Level(logLevel));

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        inner.Log(Level(logLevel), eventId, state, exception, formatter);

    private LogLevel Level(LogLevel asked) => _stopped && asked is > LogLevel.Debug and < LogLevel.None ? LogLevel.Debug : asked;
}
