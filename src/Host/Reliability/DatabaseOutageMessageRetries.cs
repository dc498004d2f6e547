using Wolverine;
using Wolverine.ErrorHandling;

namespace EventCrm.Host.Reliability;

/// <summary>
/// Background work run as a Wolverine message (a desk step: an assessment, an offer's expiry; a replay)
/// that meets a database out of reach runs again later, for as long as outages last in practice,
/// instead of going to the dead letters at its first failure (Wolverine's default for an exception no
/// policy names). With customers over several databases a step of a customer whose database is up
/// still asks every database (a touchpoint id is looked up in each), so one database stopped failed
/// the steps of every customer, and left their requests to cancel unassessed and their offers unexpired for good.
/// Its message waits in the durable inbox meanwhile, as a busy customer's does. Only after
/// <see cref="Delays"/> (over half an hour) does it go to the dead letters, told at error level with
/// how to replay it (<see cref="DeadLetterNotices"/>).
/// </summary>
public static class DatabaseOutageMessageRetries
{
    /// <summary>
    /// Sooner first (a database restarting is back in seconds), then every 2 minutes: a step runs at most
    /// 2 minutes after the database is back, so an offer's expiry is still recorded within the 5 minutes
    /// retention.md promises once the outage is over. In all 5 + 15 + 30 + 60 s + 15 × 120 s = 1,910 s,
    /// nearly 32 minutes, over 19 retries (Wolverine takes at most 25).
    /// </summary>
    public static readonly TimeSpan[] Delays =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1),
        .. Enumerable.Repeat(TimeSpan.FromMinutes(2), 15),
    ];

    /// <summary>
    /// A database out of reach: refused, broken or ended sessions, a connection that does not open in time
    /// (Npgsql's <c>NpgsqlException</c> around a <c>SocketException</c>, an <c>IOException</c> or a
    /// <c>TimeoutException</c>; the server's 08xxx, 57P01, 57P03, 53300), and a statement cut short by the
    /// command timeout; also when Marten or Wolverine wrap them (MartenCommandException and its kin).
    /// A server's answer (a constraint, a syntax error) is not one: it would fail the same way again.
    /// </summary>
    public static bool Matches(Exception exception) => DatabaseFaults.IsOutage(exception) || DatabaseFaults.IsSlowStatement(exception);

    public static WolverineOptions RetryWhileADatabaseIsOut(this WolverineOptions opts)
    {
        opts.Policies.OnException(Matches, "a database out of reach (refused, ended or broken sessions, timeouts)")
            .ScheduleRetry(Delays);
        return opts;
    }
}
