using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace EventCrm.Tests.Support;

/// <summary>
/// Writes every exception a test Host answered with a bare 500 (ASP.NET Core's exception handler
/// logs it) to the file EVENTCRM_TEST_SERVER_ERRORS names, with the request's trace id: a failed
/// scenario's report shows only the 500's body, whose traceId finds its stack trace there. The
/// test command prints the file when a test fails (CI keeps nothing else of a run).
/// </summary>
public sealed class UnhandledRequestErrors : ILoggerProvider
{
    private const string ExceptionHandlers = "Microsoft.AspNetCore.Diagnostics.";
    private static readonly string? FilePath = Environment.GetEnvironmentVariable("EVENTCRM_TEST_SERVER_ERRORS") is { Length: > 0 } path ? path : null;
    private static readonly Lock Writing = new();

    /// <summary>Only when the test command asks for the file: a developer's run shows these lines on the console.</summary>
    public static bool Wanted => FilePath is not null;

    public ILogger CreateLogger(string categoryName) => new Writer(categoryName);

    public void Dispose()
    {
    }

    private sealed class Writer(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => FilePath is not null && logLevel >= LogLevel.Error && category.StartsWith(ExceptionHandlers, StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel) || exception is null) return;
            var entry = $"{DateTimeOffset.UtcNow:O} traceId {Activity.Current?.TraceId.ToString() ?? "none"}: {formatter(state, exception)}{Environment.NewLine}{exception}{Environment.NewLine}";
            lock (Writing) File.AppendAllText(FilePath!, entry);
        }
    }
}
