using System.Net.Sockets;
using Npgsql;

namespace EventCrm.Host.Reliability;

/// <summary>
/// Tells a database that is down, restarting or out of reach (the client should retry later:
/// 503) from a database that answered and refused (a bug or a conflict: not ours to hide), and
/// keeps connection attempts short so that a request fails in seconds instead of hanging.
/// </summary>
public static class DatabaseFaults
{
    /// <summary>Seconds a client is asked to wait (Retry-After) when the database is unavailable.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>Seconds to open a connection (or wait for a pooled one) unless the connection string says otherwise.</summary>
    public const int DefaultConnectTimeoutSeconds = 3;

    /// <summary>
    /// The connection string with a short connect timeout when it names none: Npgsql's default of
    /// 15 seconds would hold every request that long while the database is unreachable.
    /// </summary>
    public static string WithShortTimeouts(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.ContainsKey("Timeout")) return connectionString;
        return new NpgsqlConnectionStringBuilder(connectionString) { Timeout = DefaultConnectTimeoutSeconds }.ConnectionString;
    }

    /// <summary>Whether the exception, or one it wraps (Marten and Wolverine wrap Npgsql's), says the database is unavailable.</summary>
    public static bool IsUnavailable(Exception exception) => Chain(exception).Any(IsUnavailableItself);

    /// <summary>
    /// Whether the exception says the database is out of reach, as Npgsql itself told it, or as a
    /// ping of the database found it silent (<see cref="DatabaseDidNotAnswerException"/>): a bare
    /// timeout, cancellation or socket error from elsewhere (a message waiting too long, a request
    /// given up, another service) is not the database's, and the log keeps it (<see cref="DatabaseOutageLog"/>).
    /// </summary>
    public static bool IsOutage(Exception exception) =>
        Chain(exception).Any(e => e is NpgsqlException or DatabaseDidNotAnswerException) && IsUnavailable(exception) && !IsSlowStatement(exception);

    /// <summary>
    /// Whether the exception, or one it wraps, says a statement took too long and was cancelled: Npgsql's
    /// command timeout (30 s unless the connection string's <c>Command Timeout</c> says otherwise), which it
    /// raises, once the server has cancelled the statement, as an <see cref="NpgsqlException"/> "Exception
    /// while reading from stream" around a <see cref="TimeoutException"/>; or the server's own cancel
    /// (57014: a <c>statement_timeout</c>, <c>pg_cancel_backend</c>). The database answered, late: the
    /// connection stays usable and nothing says the database is out (docs/reliability.md).
    /// </summary>
    public static bool IsSlowStatement(Exception exception) => !IsUnanswered(exception) && Chain(exception).Any(e =>
        e is PostgresException { SqlState: PostgresErrorCodes.QueryCanceled }
        || e is NpgsqlException { InnerException: TimeoutException } && e.Message.StartsWith(StatementTimedOutMessage, StringComparison.Ordinal));

    /// <summary>
    /// Whether a statement's timeout found the database silent rather than slow: Npgsql asked the server to
    /// cancel the statement and got no answer to that either (a paused process, packets dropped), so it
    /// broke the connection; or a new session's start (its SSL request) got no answer within the connect timeout.
    /// Npgsql raises the same <see cref="NpgsqlException"/> around a <see cref="TimeoutException"/> as for a statement
    /// the server cancelled, but thrown by the socket read itself (its read buffer), where the server's answer to
    /// the cancel is read, and thrown, by the connector (measured with Npgsql 10, 2026-12-07:
    /// <c>NpgsqlReadBuffer.EnsureLong</c> against <c>NpgsqlConnector.ReadMessageLong</c>).
    /// That database is out of reach, as one that refuses connections is (docs/reliability.md).
    /// </summary>
    public static bool IsUnanswered(Exception exception) => Chain(exception).Any(e =>
        e is NpgsqlException { InnerException: TimeoutException } && e.Message.StartsWith(StatementTimedOutMessage, StringComparison.Ordinal)
        && ThrownByTheSocketRead(e));

    /// <summary>
    /// Whether the database said nothing in time: a connection that did not open within the connect timeout
    /// (Npgsql's "The operation has timed out"; the server took the connection and never answered its start,
    /// as a paused process does), a statement whose cancellation went unanswered too (<see cref="IsUnanswered"/>),
    /// or a ping given up (<see cref="DatabaseDidNotAnswerException"/>). Not a full pool's wait, nor a slow statement.
    /// Sending the same again would wait as long again: Marten's retries leave it (<see cref="Infrastructure.StoreConfiguration"/>).
    /// </summary>
    public static bool IsSilent(Exception exception) => IsUnanswered(exception) || Chain(exception).Any(e =>
        e is DatabaseDidNotAnswerException
        || e is NpgsqlException { InnerException: TimeoutException } && !e.Message.StartsWith(StatementTimedOutMessage, StringComparison.Ordinal)
            && !e.Message.StartsWith(PoolExhaustedMessage, StringComparison.Ordinal));

    private static bool ThrownByTheSocketRead(Exception thrown)
    {
        // An async method's frame is its state machine's MoveNext, a type nested in the method's own type.
        for (var type = new System.Diagnostics.StackTrace(thrown, false).GetFrames().FirstOrDefault()?.GetMethod()?.DeclaringType; type is not null; type = type.DeclaringType)
            if (type.FullName == "Npgsql.Internal.NpgsqlReadBuffer") return true;
        return false;
    }

    /// <summary>How Npgsql's message begins when a statement ran into the command timeout (a broken connection's read says the same around an IOException).</summary>
    public const string StatementTimedOutMessage = "Exception while reading from stream";

    /// <summary>
    /// Whether the exception says a session that was open ended, rather than that a new one was refused:
    /// the server's "terminating connection" (57P01 at a stop or <c>pg_terminate_backend</c>, 57P02 at a
    /// crash), or the stream of an open connection broken. A database stopped and started again leaves
    /// such sessions behind in whatever held them through the outage (<see cref="DatabaseOutageLog"/>).
    /// </summary>
    public static bool IsSessionEndedEarlier(Exception exception) => Chain(exception).Any(e =>
        e is PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown }
        || e is NpgsqlException && e.InnerException is IOException or EndOfStreamException && !IsSlowStatement(exception));

    /// <summary>
    /// Whether the exception, or one it wraps, is Npgsql's refusal to wait longer for a connection of a
    /// pool whose every connection is in use: the database may answer well, this node holds all it may
    /// open. Npgsql tells it by its message alone (an <see cref="NpgsqlException"/> around a timeout).
    /// </summary>
    public static bool IsPoolExhausted(Exception exception) =>
        Chain(exception).Any(e => e is NpgsqlException && e.Message.StartsWith(PoolExhaustedMessage, StringComparison.Ordinal));

    /// <summary>How Npgsql's message begins when no pooled connection came free within the connection string's Timeout.</summary>
    public const string PoolExhaustedMessage = "The connection pool has been exhausted";

    private static bool IsUnavailableItself(Exception e) => e switch
    {
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal)   // connection exception
            || p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.ConfigurationLimitExceeded
            // The database is gone (dropped, renamed while restored) or takes no sessions (ALLOW_CONNECTIONS
            // false): the server refuses the session itself (FATAL); a statement's 3D000 or 55000 is an answer.
            || p is { SqlState: PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.ObjectNotInPrerequisiteState, InvariantSeverity: "FATAL" },
        // Npgsql's own errors (not the server's answers): refused or broken connections, timeouts, an exhausted pool.
        NpgsqlException => true,
        SocketException or TimeoutException => true,
        _ => false,
    };

    /// <summary>The exception and every exception it wraps.</summary>
    public static IEnumerable<Exception> Chain(Exception exception)
    {
        var pending = new Stack<Exception>([exception]);
        var seen = 0;
        while (pending.Count > 0 && seen++ < 32)
        {
            var e = pending.Pop();
            yield return e;
            if (e is AggregateException aggregate) foreach (var inner in aggregate.InnerExceptions) pending.Push(inner);
            else if (e.InnerException is { } inner) pending.Push(inner);
        }
    }
}
