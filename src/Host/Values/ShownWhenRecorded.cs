using EventCrm.Host.Customers;
using EventCrm.Projections.Values;
using EventCrm.Relationship.Value;
using Marten;
using Mark = EventCrm.Host.Values.CheckpointedLedger.Mark;

namespace EventCrm.Host.Values;

/// <summary>
/// <c>formula=of-the-time</c>: what the service showed when a point was recorded, for a point recorded before a touchpoint dated
/// before it. That is the ledger of the touchpoints recorded by the point's recording time and dated up to it (equal times: up to
/// its version): the point of the history as known at its recording time. So it starts, as that history's page does, from the
/// latest checkpoint whose touchpoints are the first ones of the timeline known then and which lies before the point in the
/// stream (then the point, known then, sorts after all of them), and records the touchpoints known then between them in business
/// order. Points of a page recorded at the same time share one such read: a page of an import's batch reads one or two stretches.
/// </summary>
public static class ShownWhenRecorded
{
    /// <summary>The ledger shown when each of <paramref name="points"/> was recorded, by version; null where a checkpoint is missing or a touchpoint read is not dated as placed.</summary>
    /// <param name="tail">The events after the last checkpoint.</param>
    public static async Task<Dictionary<long, CustomerLedger>?> LedgersAsync(IQuerySession session, string customerId, List<Mark> marks,
        List<RecordedTouchpoint> tail, IReadOnlyList<RecordedTouchpoint> points, CancellationToken ct)
    {
        var shown = new Dictionary<long, CustomerLedger>();
        List<BackDatedHistory.Place>? all = null;
        foreach (var batch in points.GroupBy(p => p.RecordedAt))
        {
            var known = batch.Key;
            var countedTail = tail.Where(t => t.RecordedAt <= known).ToList();
            var firstPoints = BackDatedHistory.FirstPointsOfTheTimeline(marks, countedTail, known);
            var earliest = batch.Min(p => p.Version);
            var startAt = Enumerable.Range(0, marks.Count).LastOrDefault(m => firstPoints[m] && marks[m].Version < earliest, -1);
            var start = startAt < 0 ? null : marks[startAt];
            var upTo = LastVersionKnownBy(marks, countedTail, known);
            // Far from the points: from every place. The page itself being read near its checkpoints, this takes a touchpoint before the
            // points in the stream recorded after them (a write that committed after later ones: the checkpoints holding it hold the
            // first points of the timeline now, not when the points were recorded), or a checkpoint missing after them.
            var streamEnd = marks[^1].Version + tail.Count;
            if (PlacedHistory.AreFarApart(Math.Min(upTo, streamEnd) - (start?.Version ?? 0), streamEnd))
            {
                all ??= await BackDatedHistory.PlacesAsync(session, customerId, 0, long.MaxValue, ct);
                if (all is null) return null;
                var versions = batch.Select(p => p.Version).ToHashSet();
                if (await PlacedHistory.LedgersAsync(session, customerId, marks, all, known, [.. all.Where(p => versions.Contains(p.Version))], ct) is not { } placed)
                    return null;
                foreach (var (version, then) in placed) shown[version] = then;
                continue;
            }
            var ledger = start is null ? FoldedLedger.Empty(customerId)
                : (await session.LoadAsync<ValueCheckpoint>(ValueCheckpoint.IdOf(customerId, start.Version), ct))?.Ledger;
            if (ledger is null) return null;

            // The touchpoints known then after the checkpoint, dated up to the batch's last point, in the whole stream's order.
            var last = batch.MaxBy(p => (p.Touchpoint.OccurredAt, p.Version))!;
            var places = await BackDatedHistory.PlacesAsync(session, customerId, start?.Version ?? 0, upTo, ct);
            if (places is null) return null;
            var inBusinessOrder = places
                .Where(p => p.RecordedAt <= known && (p.OccurredAt < last.Touchpoint.OccurredAt || p.OccurredAt == last.Touchpoint.OccurredAt && p.Version <= last.Version))
                .OrderBy(p => p.OccurredAt).ThenBy(p => p.Version).ToList();
            var (_, read) = await CustomerStream.ReadAsync(session, customerId, withProfile: false, ct, versions: [.. inBusinessOrder.Select(p => p.Version)]);
            var byVersion = read.ToDictionary(t => t.Version);
            var wanted = batch.Select(p => p.Version).ToHashSet();
            foreach (var place in inBusinessOrder)
            {
                if (!byVersion.TryGetValue(place.Version, out var recorded) || recorded.Touchpoint.OccurredAt != place.OccurredAt) return null;
                if (ValuationFold.TryRecord(ledger, recorded.Touchpoint) is not { } moved) return null;
                ledger = moved;
                if (wanted.Contains(place.Version)) shown[place.Version] = ledger;
            }
            if (batch.Any(p => !shown.ContainsKey(p.Version))) return null;
        }
        return shown;
    }

    /// <summary>
    /// A version no touchpoint recorded by <paramref name="known"/> lies after: the end of the last stretch holding one (a stretch's
    /// earliest recording time says so), every version when one of the events after the last checkpoint was, or a checkpoint is missing.
    /// </summary>
    private static long LastVersionKnownBy(List<Mark> marks, List<RecordedTouchpoint> countedTail, DateTimeOffset known)
    {
        if (countedTail.Count > 0) return long.MaxValue;
        for (var m = marks.Count - 1; m >= 0; m--)
        {
            if (marks[m].SegmentEarliestRecordedAt is { } recorded && recorded <= known) return marks[m].Version;
            if (m > 0 && marks[m].PreviousVersion != marks[m - 1].Version) return long.MaxValue;
        }
        return marks.Count == 0 ? long.MaxValue : marks[0].PreviousVersion;
    }
}
