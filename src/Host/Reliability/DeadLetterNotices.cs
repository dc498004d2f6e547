using EventCrm.Host.Replays;
using EventCrm.Host.Retention;
using Npgsql;
using Wolverine;
using Wolverine.Runtime;

namespace EventCrm.Host.Reliability;

/// <summary>
/// A message moved to Wolverine's dead letters (<c>wolverine_dead_letters</c>) is never run again by
/// itself: a desk step there leaves a request to cancel unassessed, or an offer unexpired, for good.
/// Wolverine says so in an error entry carrying the exception, which the log held back whenever that
/// exception was a database outage's (<see cref="DatabaseOutageLog"/>): nothing at the default levels
/// said a step was given up. Every such entry now also writes one error line of the service's own,
/// without the exception, so that nothing holds it back: the message type, its customer, why, and how
/// to replay it (docs/operations.md, "Dead letters"), on one line.
/// </summary>
public sealed class DeadLetterNotices(ILogger logger, string schema)
{
    public const string Category = "EventCrm.Host.Reliability.DeadLetterNotices";

    /// <summary>The envelope of Wolverine's "was moved to the error queue" entry, or null for any other entry.</summary>
    public static Envelope? DeadLettered<TState>(string category, EventId eventId, TState state) =>
        eventId.Id == WolverineRuntime.MovedToErrorQueueId && category.StartsWith("Wolverine", StringComparison.Ordinal)
        && state is IEnumerable<KeyValuePair<string, object?>> values
            ? values.Select(v => v.Value).OfType<Envelope>().FirstOrDefault()
            : null;

    public void Tell(Envelope envelope, Exception? exception)
    {
        var (what, whose) = envelope.Message switch
        {
            AssessCancellation assess => ("the assessment of a request to cancel", $"customer {assess.CustomerId} (cancellation {assess.CancellationTouchpointId})"),
            ExpireRetentionOffer expiry => ("the expiry of a retention offer", $"customer {expiry.CustomerId} (offer {expiry.OfferId})"),
            RunReplay replay => ("a replay", $"replay {replay.ReplayId}"),
            _ => ("a message", "no customer"),
        };
        logger.LogError("{MessageType} {MessageId} ({What}) of {Whose} went to Wolverine's dead letters after {Attempts} attempt(s): {Error}. " +
            "It does not run again by itself. Once the cause is gone, replay it: in {Database}, " +
            "update {Schema}.wolverine_dead_letters set replayable = true where id = '{MessageId}' (docs/operations.md, \"Dead letters\")",
            envelope.MessageType ?? envelope.Message?.GetType().Name, envelope.Id, what, whose, envelope.Attempts,
            exception is null ? "no error given" : DatabaseFaults.IsOutage(exception) ? FirstLine(DatabaseOutageLog.Describe(exception)) : Reason(exception),
            envelope.TenantId is { Length: > 0 } tenant && tenant != JasperFx.StorageConstants.DefaultTenantId ? $"database {tenant}" : "the home database",
            schema, envelope.Id);
    }

    /// <summary>
    /// Why, on one line, without the stack trace (Wolverine's entry, at Debug when held back, has it): the
    /// exception's type and PostgreSQL's own error (its SQLSTATE and message) when the database answered
    /// one, else the first line of the exception's message. Marten's command failures carry their whole
    /// SQL batch in the message, which spread the notice over several lines.
    /// </summary>
    public static string Reason(Exception exception) =>
        DatabaseFaults.Chain(exception).OfType<PostgresException>().LastOrDefault() is { } postgres
            ? $"{exception.GetType().Name}: PostgreSQL {postgres.SqlState} {FirstLine(postgres.MessageText)}"
            : $"{exception.GetType().Name}: {FirstLine(exception.Message)}";

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return (end < 0 ? text : text[..end]).Trim();
    }
}
