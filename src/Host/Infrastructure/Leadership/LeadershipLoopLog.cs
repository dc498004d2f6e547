namespace EventCrm.Host.Infrastructure.Leadership;

/// <summary>
/// The log of JasperFx's leadership loop (ProjectionCoordinatorBase), with one of its lines told as
/// what it is. A pause (a test's reset, a rebuild's take-over), a restart of the loop or the host's
/// stop cancels the loop while it goes through a database's shards: each shard it comes to after
/// that "fails to start" with an OperationCanceledException, which the start's retry pipeline
/// throws before trying anything (Polly checks the token first). JasperFx logged it as an Error
/// ("Error trying to start subscription SpendByCategory:All on database Main"), an operator's alert
/// for nothing: no start was tried, and the loop starts the shard when it runs again. It is said at
/// Information instead; every other line, and every other failure to start, goes through unchanged.
/// </summary>
public sealed class LeadershipLoopLog(ILogger inner) : ILogger
{
    /// <summary>The log <see cref="LeadershipCoordinator"/> gives JasperFx's loop: its own category, this line said as what it is.</summary>
    public static ILogger For(ILoggerFactory loggers) => new LeadershipLoopLog(loggers.CreateLogger<LeadershipCoordinator>());

    /// <summary>JasperFx's template (ProjectionCoordinatorBase.tryStartAgent).</summary>
    public const string StartFailed = "Error trying to start subscription {Name} on database {Database}";

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (exception is OperationCanceledException { CancellationToken.IsCancellationRequested: true } &&
            state is IReadOnlyList<KeyValuePair<string, object?>> values && Value(values, "{OriginalFormat}") as string == StartFailed)
        {
            inner.LogInformation("Shard {Name} of database {Database} not started: the leadership loop was being stopped (a pause, a restart of " +
                                 "the loop or the host's stop) when it came to it; the loop starts it when it runs again",
                Value(values, "Name"), Value(values, "Database"));
            return;
        }
        inner.Log(logLevel, eventId, state, exception, formatter);
    }

    private static object? Value(IReadOnlyList<KeyValuePair<string, object?>> values, string key) =>
        values.FirstOrDefault(pair => pair.Key == key).Value;
}
