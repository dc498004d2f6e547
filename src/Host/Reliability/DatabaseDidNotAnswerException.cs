namespace EventCrm.Host.Reliability;

/// <summary>
/// A ping of the database (/health, <see cref="DatabaseOutageWatch"/>) given up: the database took
/// the connection and then said nothing, as a paused process or a firewall dropping packets does.
/// Npgsql raises no error of its own in time for that, only the caller's cancellation, which the
/// log could not tell from any request cancelled for another reason; this one is the database's
/// (<see cref="DatabaseFaults.IsOutage"/>). Only the pings raise it.
/// </summary>
public sealed class DatabaseDidNotAnswerException(TimeSpan patience)
    : TimeoutException($"The database did not answer within {patience.TotalSeconds:0} s");
