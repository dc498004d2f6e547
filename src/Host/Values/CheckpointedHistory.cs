using EventCrm.Host.Customers;
using EventCrm.Projections.Values;
using EventCrm.Relationship.Value;
using Marten;

namespace EventCrm.Host.Values;

/// <summary>
/// A page of the value history of a customer whose touchpoints were all recorded in business order (a live
/// account, a history imported in date order), as known now: its place in the timeline is its place in the
/// stream, so the ledger before the page is a value checkpoint moved on by the touchpoints between it and
/// the page, and the page reads about two checkpoints' worth of events, not the whole stream. The same
/// touchpoints in the same order as the whole stream's sort, so the same points.
/// </summary>
public static class CheckpointedHistory
{
    /// <summary>The page's touchpoints in business order, each with the ledger of every touchpoint up to it, and how many there are in all.</summary>
    public sealed record Window(IReadOnlyList<(RecordedTouchpoint Point, CustomerLedger Ledger)> Points, int Total);

    /// <summary>Null when the stream is not in business order, has no checkpoint, or a touchpoint cannot be placed from a summary: sort the stream then.</summary>
    public static async Task<Window?> ReadAsync(IQuerySession session, string customerId, TouchpointPage asked, CancellationToken ct)
    {
        var marks = await CheckpointedLedger.MarksAsync(session, customerId, ct);
        if (marks.Count == 0 || !marks[^1].InBusinessOrder) return null;
        var last = marks[^1];
        var (_, tail) = await CustomerStream.ReadAsync(session, customerId, withProfile: false, ct, afterVersion: last.Version);
        var latest = last.LastOccurredAt;
        foreach (var recorded in tail)
        {
            // Dated before a touchpoint recorded earlier: the timeline's order is not the stream's.
            if (recorded.Touchpoint.OccurredAt < latest) return null;
            latest = recorded.Touchpoint.OccurredAt;
        }
        var total = last.Touchpoints + tail.Count;
        var (from, to) = asked.Range(total);

        // The latest checkpoint at or before the page's first point, and the first one after its last (or the tail).
        var start = marks.FindLastIndex(m => m.Touchpoints <= from);
        var end = marks.FindIndex(m => m.Touchpoints >= to);
        var before = start < 0 ? FoldedLedger.Empty(customerId)
            : (await session.LoadAsync<ValueCheckpoint>(ValueCheckpoint.IdOf(customerId, marks[start].Version), ct))?.Ledger;
        if (before is null) return null;
        var after = start < 0 ? 0 : marks[start].Version;
        var read = end < 0 && start == marks.Count - 1 ? tail
            : (await CustomerStream.ReadAsync(session, customerId, withProfile: false, ct, afterVersion: after,
                upToVersion: end < 0 ? long.MaxValue : marks[end].Version)).Touchpoints;

        var points = new List<(RecordedTouchpoint, CustomerLedger)>(to - from);
        var ledger = before;
        for (var i = 0; i < read.Count && points.Count < to - from; i++)
        {
            if (ValuationFold.TryRecord(ledger, read[i].Touchpoint) is not { } moved) return null;
            ledger = moved;
            if (ledger.Touchpoints > from) points.Add((read[i], ledger));
        }
        return points.Count == to - from ? new Window(points, total) : null;
    }
}
