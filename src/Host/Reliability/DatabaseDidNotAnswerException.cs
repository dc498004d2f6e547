namespace EventCrm.Host.Reliability;

/// <summary>
/// A ping of the database (/health, <see cref="DatabaseOutageWatch"/>) given up: the database took
/// the connection and then said nothing, as a paused process or a firewall dropping packets does.
/// Npgsql raises no error of its own in time for that, only the caller's cancellation, which the
/// log could not tell from any request cancelled for another reason; this one is the database's
/// (<see cref="DatabaseFaults.IsOutage"/>). Only the pings, and the reads given a patience as short, raise it.
/// With several databases it names the one that did not answer (<see cref="NamedDatabase"/>, by its
/// id and host:port), so that the outage's lines and the refusals can say which.
/// </summary>
public sealed class DatabaseDidNotAnswerException(TimeSpan patience, NamedDatabase? database = null)
    : TimeoutException($"{(database is null ? "The database" : Capitalised(database.ToString()))} did not answer within {patience.TotalSeconds:0} s")
{
    public NamedDatabase? Database { get; } = database;

    private static string Capitalised(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
