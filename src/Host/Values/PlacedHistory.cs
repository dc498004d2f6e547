using EventCrm.Host.Customers;
using EventCrm.Projections.Values;
using EventCrm.Relationship.Value;
using Marten;
using Mark = EventCrm.Host.Values.CheckpointedLedger.Mark;
using Place = EventCrm.Host.Values.BackDatedHistory.Place;

namespace EventCrm.Host.Values;

/// <summary>
/// A page of the value history of an account whose checkpoints near the page do not hold the first points of its timeline (a block
/// of touchpoints recorded long after their business time lies between): the places of every touchpoint (version, business and
/// recording time, from the events table, no payload deserialised) are sorted as the whole stream's sort sorts them, and the ledger
/// before the page is the latest checkpoint all of whose touchpoints are known and come before the page, moved on by the touchpoints
/// known that come before the page and lie after it in the stream (a block recorded back-dated among them: a purchase placed from the
/// purchase days before it, a state change from the state-changing touchpoints dated after it, <see cref="FoldedStateMarks"/>). A ledger's answers do not depend on the order its touchpoints were recorded into it, only on which ones, so it
/// is the ledger of the points before the page. Of the time, a point recorded before a touchpoint dated before it is the point of the
/// history known when it was recorded, found the same way from the same places. Reads every place (0.2-0.4 s at 200,000) and about
/// a checkpoint's worth of events, instead of every event from the last checkpoint holding the first points.
/// </summary>
public static class PlacedHistory
{
    /// <summary>
    /// Whether <paramref name="span"/> events between the checkpoint holding the first points and the page's end are better not read
    /// (every one deserialised) than every place of a stream of <paramref name="streamVersion"/> events (only a field and two columns each).
    /// </summary>
    public static bool AreFarApart(long span, long streamVersion) => span > Math.Max(3 * ValueCheckpoints.Every, streamVersion / 8);

    /// <summary>Null when nothing is counted, a checkpoint is missing, or a touchpoint read is not dated as placed: sort the stream then.</summary>
    public static async Task<CheckpointedHistory.Window?> ReadAsync(IQuerySession session, string customerId, List<Mark> marks, DateTimeOffset? knownAt,
        bool ofTheTime, TouchpointPage asked, CancellationToken ct)
    {
        if (await BackDatedHistory.PlacesAsync(session, customerId, 0, long.MaxValue, ct) is not { } all) return null;
        var known = knownAt ?? DateTimeOffset.MaxValue;
        var counted = InBusinessOrder(all, known);
        if (counted.Count == 0) return null;
        var (from, to) = asked.Range(counted.Count);
        var page = counted.Skip(from).Take(to - from).ToList();
        if (await LedgersAsync(session, customerId, marks, all, known, page, ct) is not { } ledgers) return null;
        var (_, read) = await CustomerStream.ReadAsync(session, customerId, withProfile: false, ct, versions: [.. page.Select(p => p.Version)]);
        var byVersion = read.ToDictionary(t => t.Version);

        // Of the time: a point recorded before a touchpoint dated before it shows the history known when it was recorded.
        var latestRecorded = DateTimeOffset.MinValue;
        var recordedLater = new List<Place>();
        for (var k = 0; k < to; k++)
        {
            if (counted[k].RecordedAt > latestRecorded) latestRecorded = counted[k].RecordedAt;
            if (k >= from && latestRecorded > counted[k].RecordedAt) recordedLater.Add(counted[k]);
        }
        if (ofTheTime)
            foreach (var batch in recordedLater.GroupBy(p => p.RecordedAt))
            {
                if (await LedgersAsync(session, customerId, marks, all, batch.Key, [.. batch], ct) is not { } shown) return null;
                foreach (var (version, ledger) in shown) ledgers[version] = ledger;
            }
        var points = new List<(RecordedTouchpoint, CustomerLedger)>(page.Count);
        foreach (var place in page)
        {
            if (!byVersion.TryGetValue(place.Version, out var recorded) || recorded.RecordedAt != place.RecordedAt) return null;
            points.Add((recorded, ledgers[place.Version]));
        }
        return new CheckpointedHistory.Window(points, counted.Count, RecordedInOrder: ofTheTime || recordedLater.Count == 0);
    }

    /// <summary>
    /// The ledger of the touchpoints recorded by <paramref name="known"/>, up to each of <paramref name="wanted"/> (recorded by then) in
    /// business order, by version; null where a checkpoint is missing or a touchpoint read is not dated as placed.
    /// </summary>
    internal static async Task<Dictionary<long, CustomerLedger>?> LedgersAsync(IQuerySession session, string customerId, List<Mark> marks,
        List<Place> all, DateTimeOffset known, IReadOnlyCollection<Place> wanted, CancellationToken ct)
    {
        var counted = InBusinessOrder(all, known);
        var versions = wanted.Select(p => p.Version).ToHashSet();
        var first = counted.FindIndex(p => versions.Contains(p.Version));
        var last = counted.FindLastIndex(p => versions.Contains(p.Version));
        if (first < 0) return [];
        // The latest checkpoint all of whose touchpoints were known then and come before the first wanted (equal times: lower versions).
        var page = counted[first];
        var startAt = marks.FindLastIndex(m => m.RecordedUpTo <= known
            && (m.LastOccurredAt < page.OccurredAt || m.LastOccurredAt == page.OccurredAt && m.Version < page.Version));
        var start = startAt < 0 ? null : marks[startAt];
        var ledger = start is null ? FoldedLedger.Empty(customerId)
            : (await session.LoadAsync<ValueCheckpoint>(ValueCheckpoint.IdOf(customerId, start.Version), ct))?.Ledger;
        if (ledger is null) return null;
        var after = start?.Version ?? 0;
        // Its purchase days, for a purchase recorded after it and dated among them.
        var days = all.Where(p => p.Purchase && p.Version <= after).Select(p => PurchaseOccasions.DayOf(p.OccurredAt)).ToHashSet();
        // Its state-changing touchpoints, for a state change recorded after it and dated among them (the block back-dated): placed from
        // those dated after it, read (types and times) from the last checkpoint dated no later, not left to the whole stream's sort.
        var states = new FoldedStateMarks(customerId, after, ledger.Touchpoints,
            [.. marks.Take(startAt + 1).Select(m => new StreamPoint(m.Version, m.Touchpoints, m.LastOccurredAt))]);
        var toRecord = counted.Take(last + 1).Where(p => p.Version > after).ToList();
        var (_, read) = await CustomerStream.ReadAsync(session, customerId, withProfile: false, ct, versions: [.. toRecord.Select(p => p.Version)]);
        var byVersion = read.ToDictionary(t => t.Version);

        var ledgers = new Dictionary<long, CustomerLedger>();
        foreach (var place in toRecord)
        {
            if (!byVersion.TryGetValue(place.Version, out var recorded) || recorded.Touchpoint.OccurredAt != place.OccurredAt) return null;
            var bought = ledger.PurchaseDayToLookUp(recorded.Touchpoint) is { } day ? days.Contains(day) : (bool?)null;
            var kept = ledger.MarksToLookUp(recorded.Touchpoint) ? await states.AfterAsync(session, recorded.Touchpoint.OccurredAt, ct) : null;
            if (ValuationFold.TryRecord(ledger, recorded.Touchpoint, bought, kept) is not { } moved) return null;
            ledger = moved;
            if (place.Purchase) days.Add(PurchaseOccasions.DayOf(place.OccurredAt));
            states.Add(recorded.Touchpoint);
            if (versions.Contains(place.Version)) ledgers[place.Version] = ledger;
        }
        return ledgers.Count == versions.Count ? ledgers : null;
    }

    /// <summary>The touchpoints recorded by <paramref name="known"/>, as the whole stream's sort orders them: business time, then version.</summary>
    private static List<Place> InBusinessOrder(List<Place> all, DateTimeOffset known) =>
        all.Where(p => p.RecordedAt <= known).OrderBy(p => p.OccurredAt).ThenBy(p => p.Version).ToList();
}
