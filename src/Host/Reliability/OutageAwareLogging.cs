using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EventCrm.Host.Reliability;

/// <summary>
/// Every logger of the service, Wolverine's and Marten's included, passes its entries through
/// <see cref="DatabaseOutageLog"/> first. A filter by category or level would not do: the same
/// categories log errors that have nothing to do with the database, which must still be read;
/// only the exception an entry carries tells an outage apart. The same wrapper writes the errors that are
/// routine waits at a lower level (<see cref="RoutineWaits"/>).
/// </summary>
public static class OutageAwareLogging
{
    public static void HoldBackDatabaseOutages(this ILoggingBuilder logging, IConfiguration configuration)
    {
        var services = logging.Services;
        // The factory the framework would have made, wrapped; the outage's own lines go straight to it.
        services.TryAddSingleton<LoggerFactory>();
        services.AddSingleton(sp => new DatabaseOutageLog(
            sp.GetRequiredService<LoggerFactory>().CreateLogger<DatabaseOutageLog>(),
            sp.GetRequiredService<TimeProvider>(),
            DatabaseNames.Of(configuration)));
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp =>
            new HoldingBackFactory(sp.GetRequiredService<LoggerFactory>(), sp.GetRequiredService<DatabaseOutageLog>(), configuration["Marten:Schema"] ?? "eventcrm")));
        services.AddHostedService<DatabaseOutageWatch>();
    }

    /// <summary>The container owns and disposes the inner factory.</summary>
    private sealed class HoldingBackFactory(ILoggerFactory inner, DatabaseOutageLog outage, string schema) : ILoggerFactory
    {
        private readonly Lazy<DeadLetterNotices> _deadLetters = new(() => new DeadLetterNotices(inner.CreateLogger(DeadLetterNotices.Category), schema));

        public ILogger CreateLogger(string categoryName) => new HoldingBack(categoryName, inner.CreateLogger(categoryName), outage, _deadLetters);

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose()
        {
        }
    }

    private sealed class HoldingBack(string category, ILogger inner, DatabaseOutageLog outage, Lazy<DeadLetterNotices> deadLetters) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // A message given up is told in a line of its own, whatever becomes of Wolverine's entry below.
            if (DeadLetterNotices.DeadLettered(category, eventId, state) is { } envelope) deadLetters.Value.Tell(envelope, exception);
            // A critical entry is rare and may be the one that matters (a component giving up): it always passes.
            if (logLevel is not LogLevel.Critical && exception is not null && outage.HoldsBack(exception))
            {
                // Held back, not lost: whoever sets the category to Debug reads every one of them.
                if (inner.IsEnabled(LogLevel.Debug)) inner.Log(LogLevel.Debug, eventId, state, exception, formatter);
                return;
            }
            inner.Log(RoutineWaits.LevelOf(category, logLevel, eventId, exception), eventId, state, exception, formatter);
        }
    }
}
