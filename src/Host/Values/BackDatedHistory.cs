using System.Globalization;
using EventCrm.Host.Customers;
using EventCrm.Projections.Values;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using Marten;
using Npgsql;
using Mark = EventCrm.Host.Values.CheckpointedLedger.Mark;

namespace EventCrm.Host.Values;

/// <summary>
/// A page of the value history, as known now or at <c>knownAt</c>, of an account whose counted touchpoints are not the
/// first ones of its stream in business order (touchpoints recorded back-dated): its timeline's order is not its stream's,
/// so the counted touchpoints' places in the timeline are sorted from their business times and versions alone (read from
/// the events table with their recording times, without deserialising a payload), and the page starts from the latest
/// value checkpoint whose touchpoints are exactly the first ones of the timeline (all recorded by <c>knownAt</c>, and no
/// counted touchpoint after it dated before one of them): that checkpoint's ledger is then the ledger of the points
/// before it, and the counted touchpoints from it to the page's end are read by their versions and recorded in business
/// order, as the whole stream's sort records them. Where no checkpoint is such, it starts from nothing.
/// </summary>
public static class BackDatedHistory
{
    internal sealed record Place(long Version, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, bool Purchase);

    /// <summary>
    /// Null when the customer has no checkpoint, nothing is counted, or a touchpoint read is not dated as placed: sort the stream then.
    /// A summary places every touchpoint here by itself: they are recorded in business order onto a checkpoint holding the first
    /// points of the timeline, so none is dated before its latest (far from the page, <see cref="PlacedHistory"/> places those that are).
    /// </summary>
    /// <param name="marks">The customer's checkpoints (<see cref="CheckpointedLedger.MarksAsync"/>).</param>
    /// <param name="knownAt">Only the touchpoints recorded by then count (null: all).</param>
    /// <param name="ofTheTime">Each point with the ledger shown when it was recorded (<see cref="ShownWhenRecorded"/>); the window says
    /// <c>RecordedInOrder</c> when every point has it.</param>
    public static async Task<CheckpointedHistory.Window?> ReadAsync(IQuerySession session, string customerId, List<Mark> marks, DateTimeOffset? knownAt,
        bool ofTheTime, TouchpointPage asked, CancellationToken ct)
    {
        if (marks.Count == 0) return null;
        var known = knownAt ?? DateTimeOffset.MaxValue;
        var (_, tail) = await CustomerStream.ReadAsync(session, customerId, withProfile: false, ct, afterVersion: marks[^1].Version);
        var countedTail = tail.Where(t => t.RecordedAt <= known).ToList();
        var total = await CountedAsync(session, customerId, marks, knownAt, ct) + countedTail.Count;
        if (total == 0) return null;
        var (from, to) = asked.Range(total);

        // From the latest such checkpoint at or before the page's first point; up to the first one at or after its last, if any.
        var firstPoints = FirstPointsOfTheTimeline(marks, countedTail, known);
        var (startAt, endAt) = (-1, -1);
        for (var m = 0; m < marks.Count; m++)
        {
            if (!firstPoints[m]) continue;
            if (marks[m].Touchpoints <= from) startAt = m;
            if (marks[m].Touchpoints >= to && endAt < 0) endAt = m;
        }
        var start = startAt < 0 ? null : marks[startAt];
        // Far from the page (a block recorded back-dated long after its business time lies between): every place, and the checkpoint nearest the page.
        var streamEnd = marks[^1].Version + tail.Count;
        if (PlacedHistory.AreFarApart((endAt < 0 ? streamEnd : marks[endAt].Version) - (start?.Version ?? 0), streamEnd))
            return await PlacedHistory.ReadAsync(session, customerId, marks, knownAt, ofTheTime, asked, ct);
        var before = start is null ? FoldedLedger.Empty(customerId)
            : (await session.LoadAsync<ValueCheckpoint>(ValueCheckpoint.IdOf(customerId, start.Version), ct))?.Ledger;
        if (before is null) return null;
        var first = start?.Touchpoints ?? 0;
        var last = endAt < 0 ? total : marks[endAt].Touchpoints;
        // The counted touchpoints between the two, placed as the whole stream's sort places them: by business time, equal times in stream order.
        var places = await PlacesAsync(session, customerId, start?.Version ?? 0, endAt < 0 ? long.MaxValue : marks[endAt].Version, ct);
        if (places is null) return null;
        places.RemoveAll(p => p.RecordedAt > known);
        if (first + places.Count != last) return null;
        var inBusinessOrder = places.OrderBy(p => p.OccurredAt).ThenBy(p => p.Version).Take(to - first).ToList();
        var (_, read) = await CustomerStream.ReadAsync(session, customerId, withProfile: false, ct, versions: [.. inBusinessOrder.Select(p => p.Version)]);
        var byVersion = read.ToDictionary(t => t.Version);

        var points = new List<(RecordedTouchpoint, CustomerLedger)>(to - from);
        var ledger = before;
        // The latest recording time of the points so far (the checkpoint's: its touchpoints are the points before it). One later than
        // a point's own means a touchpoint dated before it was recorded after it: of the time, that point was shown without it.
        var latestRecorded = start?.RecordedUpTo ?? DateTimeOffset.MinValue;
        var recordedLater = new List<RecordedTouchpoint>();
        for (var k = first; k < to; k++)
        {
            var place = inBusinessOrder[k - first];
            // Placed from the text of its business time and its recording time: the touchpoint read must say the same, or the places are not the sort's.
            if (!byVersion.TryGetValue(place.Version, out var recorded) || recorded.Touchpoint.OccurredAt != place.OccurredAt || recorded.RecordedAt != place.RecordedAt)
                return null;
            if (ValuationFold.TryRecord(ledger, recorded.Touchpoint) is not { } moved) return null;
            ledger = moved;
            if (recorded.RecordedAt > latestRecorded) latestRecorded = recorded.RecordedAt;
            if (k < from) continue;
            points.Add((recorded, ledger));
            if (latestRecorded > recorded.RecordedAt) recordedLater.Add(recorded);
        }
        if (!ofTheTime || recordedLater.Count == 0) return new CheckpointedHistory.Window(points, total, RecordedInOrder: recordedLater.Count == 0);
        // Of the time, a point recorded before a touchpoint dated before it: what was shown then, read as known then.
        if (await ShownWhenRecorded.LedgersAsync(session, customerId, marks, tail, recordedLater, ct) is not { } shown)
            return new CheckpointedHistory.Window(points, total, RecordedInOrder: false);
        return new CheckpointedHistory.Window(
            [.. points.Select(p => shown.TryGetValue(p.Item1.Version, out var then) ? (p.Item1, then) : p)], total, RecordedInOrder: true);
    }

    /// <summary>
    /// Whether each checkpoint's touchpoints are exactly the first ones of the timeline known at <paramref name="known"/>: all recorded
    /// by then, and none counted after it dated before its latest business time (the earliest of each later stretch holding a
    /// touchpoint recorded by then, and of the counted events after the last checkpoint, is no earlier; a stretch's earliest is
    /// that of all its touchpoints, a bound at least as strict; equal times keep stream order, so those after it come after it).
    /// Not before a checkpoint missing: its stretch is not summed.
    /// </summary>
    internal static bool[] FirstPointsOfTheTimeline(List<Mark> marks, List<RecordedTouchpoint> countedTail, DateTimeOffset known)
    {
        var first = new bool[marks.Count];
        var earliestAfter = countedTail.Count == 0 ? DateTimeOffset.MaxValue : countedTail.Min(t => t.Touchpoint.OccurredAt);
        for (var m = marks.Count - 1; m >= 0; m--)
        {
            first[m] = marks[m].RecordedUpTo <= known && marks[m].LastOccurredAt <= earliestAfter;
            if (m > 0 && marks[m].PreviousVersion != marks[m - 1].Version) break;
            if (marks[m].SegmentEarliestRecordedAt is { } recorded && recorded <= known
                && marks[m].SegmentEarliestOccurredAt is { } segment && segment < earliestAfter) earliestAfter = segment;
        }
        return first;
    }

    /// <summary>
    /// How many touchpoints up to the last checkpoint were recorded by knownAt (all of them without it): the latest checkpoint all
    /// of whose touchpoints were (recording times only rise from one checkpoint to the next), then one count of the recording
    /// times after it, no payload read.
    /// </summary>
    private static async Task<int> CountedAsync(IQuerySession session, string customerId, List<Mark> marks, DateTimeOffset? knownAt, CancellationToken ct)
    {
        if (knownAt is not { } known) return marks[^1].Touchpoints;
        var all = marks.FindLastIndex(m => m.RecordedUpTo <= known);
        if (all == marks.Count - 1) return marks[^1].Touchpoints;
        var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
        await using var command = new NpgsqlCommand(
            $"select count(*) from {schema}.mt_events where stream_id = @id and version > @after and version <= @upTo " +
            "and timestamp <= @known and is_archived = false and type = any(@types)");
        command.Parameters.AddWithValue("id", customerId);
        command.Parameters.AddWithValue("after", all < 0 ? 0 : marks[all].Version);
        command.Parameters.AddWithValue("upTo", marks[^1].Version);
        // Recording times are kept to the microsecond: those at or before knownAt are those at or before it cut to the microsecond.
        command.Parameters.AddWithValue("known", new DateTimeOffset(known.UtcTicks - known.UtcTicks % 10, TimeSpan.Zero));
        command.Parameters.AddWithValue("types", TouchpointTypes.ByName.Keys.ToArray());
        await using var reader = await session.ExecuteReaderAsync(command, ct);
        return (all < 0 ? 0 : marks[all].Touchpoints) + (await reader.ReadAsync(ct) ? (int)reader.GetInt64(0) : 0);
    }

    /// <summary>
    /// The version, business time, recording time and kind (a purchase or not) of every touchpoint in (afterVersion, upToVersion], from the
    /// events table: the payload's one field, not the payload (null: one has none).
    /// </summary>
    internal static async Task<List<Place>?> PlacesAsync(IQuerySession session, string customerId, long afterVersion, long upToVersion, CancellationToken ct)
    {
        var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
        await using var command = new NpgsqlCommand(
            $"select version, data ->> 'occurredAt', timestamp, type = @purchase from {schema}.mt_events " +
            "where stream_id = @id and version > @after and version <= @upTo and is_archived = false and type = any(@types)");
        command.Parameters.AddWithValue("id", customerId);
        command.Parameters.AddWithValue("after", afterVersion);
        command.Parameters.AddWithValue("upTo", upToVersion);
        command.Parameters.AddWithValue("types", TouchpointTypes.ByName.Keys.ToArray());
        command.Parameters.AddWithValue("purchase", TouchpointTypes.Purchase);
        var places = new List<Place>();
        await using var reader = await session.ExecuteReaderAsync(command, ct);
        // Synchronous column reads: no task per column of up to 200,000 rows.
        while (await reader.ReadAsync(ct))
        {
            if (reader.IsDBNull(1)) return null;
            places.Add(new Place(reader.GetInt64(0), DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                reader.GetFieldValue<DateTimeOffset>(2), reader.GetBoolean(3)));
        }
        return places;
    }
}
