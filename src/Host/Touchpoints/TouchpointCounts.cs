using EventCrm.Host.Reliability;
using EventCrm.Host.Telemetry;
using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Touchpoints;

namespace EventCrm.Host.Touchpoints;

/// <summary>
/// What POST /api/touchpoints counts on <see cref="EventCrmMetrics"/>: each request's size, then
/// what became of its touchpoints, once the answer is decided (docs/operations.md, "Metrics").
/// </summary>
public static class TouchpointCounts
{
    /// <summary>Counts a decided outcome: the touchpoints written (committed, even in a refused request whose customers span databases) and, when refused, the rest by reason.</summary>
    public static void Count(this EventCrmMetrics metrics, AppendOutcome outcome, IReadOnlyList<IncomingTouchpoint> batch)
    {
        // A request's items are indexed by their place in it.
        foreach (var receipt in outcome.Receipts)
            if (receipt.Result == TouchpointResult.Appended) metrics.Appended(TouchpointTypes.NameOf(batch[receipt.Index].Touchpoint));
        metrics.CountOfferAnswers(outcome, batch);
        metrics.Repeated(outcome.Repeated);
        if (RefusalOf(outcome) is { } reason) metrics.Refused(batch.Count - outcome.Appended - outcome.Repeated, reason);
    }

    /// <summary>
    /// The desk's answers to offers (accepted, declined) appended, sent over HTTP or in an import; the
    /// service's own offers and expiries are counted by RetentionDesk. Looks only at the answers, which are few.
    /// </summary>
    public static void CountOfferAnswers(this EventCrmMetrics metrics, AppendOutcome outcome, IEnumerable<IncomingTouchpoint> batch)
    {
        foreach (var item in batch)
        {
            var answer = item.Touchpoint switch
            {
                RetentionOfferAccepted => "accepted",
                RetentionOfferDeclined => "declined",
                _ => null,
            };
            if (answer is not null && outcome.Receipts.Any(r => r.Index == item.Index && r.Result == TouchpointResult.Appended)) metrics.Offer(answer);
        }
    }

    private static string? RefusalOf(AppendOutcome outcome) =>
        outcome.IsBusy ? RefusalClasses.CustomerBusy
        : outcome.TooMuchContention ? RefusalClasses.Contention
        : outcome.Accepted ? null
        : outcome.Rejections.Any(r => r.Kind == RejectionKind.Conflict) ? RefusalClasses.Conflict
        : RefusalClasses.NotFound;

    /// <summary>
    /// Counts a request that failed with an exception answered 503 (<see cref="FaultProblems"/>); always
    /// false, so that, used as an exception filter, it lets the exception go on to its answer.
    /// </summary>
    public static bool CountedFailure(this EventCrmMetrics metrics, Exception exception, int touchpoints)
    {
        if (exception is AppendQueueFullException) metrics.Refused(touchpoints, RefusalClasses.QueueFull);
        else if (DatabaseFaults.IsUnavailable(exception) || DatabaseFaults.IsPoolExhausted(exception) || DatabaseFaults.IsSlowStatement(exception))
            metrics.Refused(touchpoints, RefusalClasses.DatabaseUnavailable);
        else if (PreparedStatementsOutOfStep.Caused(exception)) metrics.Refused(touchpoints, RefusalClasses.ConnectionReset);
        return false;
    }
}
