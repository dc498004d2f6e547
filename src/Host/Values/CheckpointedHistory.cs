using EventCrm.Host.Customers;
using EventCrm.Projections.Values;
using EventCrm.Relationship.Value;
using Marten;

namespace EventCrm.Host.Values;

/// <summary>
/// A page of the value history of a customer whose counted touchpoints are the first ones of its stream, recorded
/// in business order (<see cref="HistoryPrefix"/>: a live account, a history imported in date order, as known now
/// or at knownAt): their place in the timeline is their place in the stream, so the ledger before the page is a
/// value checkpoint moved on by the touchpoints between it and the page, and the page reads about two checkpoints'
/// worth of events, not the whole stream. The same touchpoints in the same order as the whole stream's sort, so
/// the same points.
/// </summary>
public static class CheckpointedHistory
{
    /// <summary>
    /// The page's touchpoints in business order, each with the ledger of every touchpoint up to it, and how many there are in all.
    /// <paramref name="RecordedInOrder"/>: no touchpoint before a point of the page was recorded after it, so the ledger up to
    /// a point is also what the service showed when the point was recorded (<c>formula=of-the-time</c>).
    /// </summary>
    public sealed record Window(IReadOnlyList<(RecordedTouchpoint Point, CustomerLedger Ledger)> Points, int Total, bool RecordedInOrder);

    /// <summary>
    /// Null when the counted touchpoints are not such a prefix, or the customer has no checkpoint: sort the stream then. A summary
    /// places every touchpoint of a prefix in business order by itself: none is dated before the ledger's latest.
    /// </summary>
    /// <param name="marks">The customer's checkpoints (<see cref="CheckpointedLedger.MarksAsync"/>).</param>
    public static async Task<Window?> ReadAsync(IQuerySession session, string customerId, List<CheckpointedLedger.Mark> marks, DateTimeOffset? knownAt,
        TouchpointPage asked, CancellationToken ct)
    {
        var prefix = knownAt is { } known
            ? await HistoryPrefix.KnownAtAsync(session, customerId, marks, known, ct)
            : await HistoryPrefix.NowAsync(session, customerId, marks, ct);
        return prefix is null ? null : await PageAsync(session, customerId, prefix, asked, ct);
    }

    private static async Task<Window?> PageAsync(IQuerySession session, string customerId, HistoryPrefix prefix, TouchpointPage asked, CancellationToken ct)
    {
        var marks = prefix.Marks;
        var (from, to) = asked.Range(prefix.Total);

        // The latest checkpoint at or before the page's first point, and the first one after its last (or the prefix's end).
        var start = marks.FindLastIndex(m => m.Touchpoints <= from);
        var end = marks.FindIndex(m => m.Touchpoints >= to);
        var before = start < 0 ? FoldedLedger.Empty(customerId)
            : (await session.LoadAsync<ValueCheckpoint>(ValueCheckpoint.IdOf(customerId, marks[start].Version), ct))?.Ledger;
        if (before is null) return null;
        var after = start < 0 ? 0 : marks[start].Version;
        var read = end < 0 && start == marks.Count - 1 ? prefix.Tail
            : (await CustomerStream.ReadAsync(session, customerId, withProfile: false, ct, afterVersion: after,
                upToVersion: end < 0 ? prefix.UpToVersion : marks[end].Version)).Touchpoints;

        var points = new List<(RecordedTouchpoint, CustomerLedger)>(to - from);
        var ledger = before;
        // The latest recording time of the touchpoints folded so far: one later than a point's own means it was recorded before them.
        var latestRecorded = start < 0 ? DateTimeOffset.MinValue : marks[start].RecordedUpTo;
        var recordedInOrder = true;
        for (var i = 0; i < read.Count && points.Count < to - from; i++)
        {
            if (ValuationFold.TryRecord(ledger, read[i].Touchpoint) is not { } moved) return null;
            ledger = moved;
            if (read[i].RecordedAt > latestRecorded) latestRecorded = read[i].RecordedAt;
            if (ledger.Touchpoints <= from) continue;
            points.Add((read[i], ledger));
            recordedInOrder &= latestRecorded <= read[i].RecordedAt;
        }
        return points.Count == to - from ? new Window(points, prefix.Total, recordedInOrder) : null;
    }
}
