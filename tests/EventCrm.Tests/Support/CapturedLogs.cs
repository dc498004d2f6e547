using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EventCrm.Tests.Support;

/// <summary>What a Host logs, kept for a test to read (beside its usual console output).</summary>
public sealed class CapturedLogs(LogLevel least = LogLevel.Information) : ILoggerProvider
{
    /// <param name="Exception">What was logged with the line: its formatted message leaves it out.</param>
    public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception = null);

    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Since(int mark) => _entries.Skip(mark).ToList();

    /// <summary>How many entries there are now: read what comes after with <see cref="Since"/>.</summary>
    public int Mark() => _entries.Count;

    public ILogger CreateLogger(string categoryName) => new Capturing(categoryName, least, _entries);

    public void Dispose()
    {
    }

    private sealed class Capturing(string category, LogLevel least, ConcurrentQueue<Entry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= least && logLevel < LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception));
        }
    }
}
