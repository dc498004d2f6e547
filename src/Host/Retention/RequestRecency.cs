namespace EventCrm.Host.Retention;

/// <summary>
/// Which requests to cancel the service assesses: those recorded within
/// <see cref="RetentionOptions.RequestsAssessedWithin"/> of their own <c>occurredAt</c>, a client asking now (or a
/// feed sending today's requests). One recorded later than that (a 2024 request in a history file) is history, settled
/// or not by what the file holds after it: nothing is recorded for it and the desk's work list leaves it out.
/// </summary>
/// <remarks>
/// Judged by two times fixed when the request is appended (its <c>occurredAt</c>, and the store's recording time,
/// <c>mt_events.timestamp</c>), never by the moment the assessment runs: whether the daemon reaches a request between two
/// batches of an import, or an hour after an outage, the answer is the same. Not by who appended it either: an import
/// can carry live requests as well as history.
/// </remarks>
public static class RequestRecency
{
    public static bool IsHistory(DateTimeOffset occurredAt, DateTimeOffset recordedAt, TimeSpan assessedWithin) =>
        recordedAt - occurredAt > assessedWithin;
}
