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
/// A page of the value history, as known now, of an account with touchpoints recorded back-dated: its timeline's
/// order is not its stream's, so the touchpoints' places in the timeline are sorted from their business times and
/// versions alone (read from the events table without deserialising a payload), and the page starts from the
/// latest value checkpoint whose touchpoints are exactly the first ones of the timeline (no touchpoint recorded
/// after it is dated before one of them): that checkpoint's ledger is then the ledger of the points before it,
/// and the touchpoints from it to the page's end are read by their versions and recorded in business order, as
/// the whole stream's sort records them. Where no checkpoint is such, it starts from nothing.
/// </summary>
public static class BackDatedHistory
{
    private sealed record Place(long Version, DateTimeOffset OccurredAt);

    /// <summary>Null when the customer has no checkpoint or a touchpoint cannot be placed from a summary: sort the stream then.</summary>
    /// <param name="marks">The customer's checkpoints (<see cref="CheckpointedLedger.MarksAsync"/>).</param>
    public static async Task<CheckpointedHistory.Window?> ReadAsync(IQuerySession session, string customerId, List<Mark> marks, TouchpointPage asked,
        CancellationToken ct)
    {
        if (marks.Count == 0) return null;
        var (_, tail) = await CustomerStream.ReadAsync(session, customerId, withProfile: false, ct, afterVersion: marks[^1].Version);
        var total = marks[^1].Touchpoints + tail.Count;
        var (from, to) = asked.Range(total);

        // From the latest such checkpoint at or before the page's first point; up to the first one at or after its last, if any.
        var firstPoints = FirstPointsOfTheTimeline(marks, tail);
        var (startAt, endAt) = (-1, -1);
        for (var m = 0; m < marks.Count; m++)
        {
            if (!firstPoints[m]) continue;
            if (marks[m].Touchpoints <= from) startAt = m;
            if (marks[m].Touchpoints >= to && endAt < 0) endAt = m;
        }
        var start = startAt < 0 ? null : marks[startAt];
        var before = start is null ? FoldedLedger.Empty(customerId)
            : (await session.LoadAsync<ValueCheckpoint>(ValueCheckpoint.IdOf(customerId, start.Version), ct))?.Ledger;
        if (before is null) return null;
        var first = start?.Touchpoints ?? 0;
        var last = endAt < 0 ? total : marks[endAt].Touchpoints;
        // The touchpoints between the two, placed as the whole stream's sort places them: by business time, equal times in stream order.
        var places = await PlacesAsync(session, customerId, start?.Version ?? 0, endAt < 0 ? long.MaxValue : marks[endAt].Version, ct);
        if (places is null || first + places.Count != last) return null;
        var inBusinessOrder = places.OrderBy(p => p.OccurredAt).ThenBy(p => p.Version).Take(to - first).ToList();
        var (_, read) = await CustomerStream.ReadAsync(session, customerId, withProfile: false, ct, versions: [.. inBusinessOrder.Select(p => p.Version)]);
        var byVersion = read.ToDictionary(t => t.Version);

        var points = new List<(RecordedTouchpoint, CustomerLedger)>(to - from);
        var ledger = before;
        for (var k = first; k < to; k++)
        {
            var place = inBusinessOrder[k - first];
            // Placed from the text of its business time: the touchpoint read must say the same, or the places are not the sort's.
            if (!byVersion.TryGetValue(place.Version, out var recorded) || recorded.Touchpoint.OccurredAt != place.OccurredAt) return null;
            if (ValuationFold.TryRecord(ledger, recorded.Touchpoint) is not { } moved) return null;
            ledger = moved;
            if (k >= from) points.Add((recorded, ledger));
        }
        // Recording order is not checked here: of the time, the whole stream is sorted.
        return new CheckpointedHistory.Window(points, total, RecordedInOrder: false);
    }

    /// <summary>
    /// Whether each checkpoint's touchpoints are exactly the first ones of the timeline: none recorded after it is dated before its
    /// latest business time (the earliest of each stretch after it, and of the events after the last checkpoint, is no earlier;
    /// equal times keep stream order, so those recorded after it come after it). Not before a checkpoint missing: its stretch is not summed.
    /// </summary>
    private static bool[] FirstPointsOfTheTimeline(List<Mark> marks, List<RecordedTouchpoint> tail)
    {
        var first = new bool[marks.Count];
        var earliestAfter = tail.Count == 0 ? DateTimeOffset.MaxValue : tail.Min(t => t.Touchpoint.OccurredAt);
        for (var m = marks.Count - 1; m >= 0; m--)
        {
            first[m] = marks[m].LastOccurredAt <= earliestAfter;
            if (m > 0 && marks[m].PreviousVersion != marks[m - 1].Version) break;
            if (marks[m].SegmentEarliestOccurredAt is { } segment && segment < earliestAfter) earliestAfter = segment;
        }
        return first;
    }

    /// <summary>The version and business time of every touchpoint in (afterVersion, upToVersion], from the events table: the payload's one field, not the payload (null: one has none).</summary>
    private static async Task<List<Place>?> PlacesAsync(IQuerySession session, string customerId, long afterVersion, long upToVersion, CancellationToken ct)
    {
        var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
        await using var command = new NpgsqlCommand(
            $"select version, data ->> 'occurredAt' from {schema}.mt_events " +
            "where stream_id = @id and version > @after and version <= @upTo and is_archived = false and type = any(@types)");
        command.Parameters.AddWithValue("id", customerId);
        command.Parameters.AddWithValue("after", afterVersion);
        command.Parameters.AddWithValue("upTo", upToVersion);
        command.Parameters.AddWithValue("types", TouchpointTypes.ByName.Keys.ToArray());
        var places = new List<Place>();
        await using var reader = await session.ExecuteReaderAsync(command, ct);
        while (await reader.ReadAsync(ct))
        {
            if (await reader.IsDBNullAsync(1, ct)) return null;
            places.Add(new Place(reader.GetInt64(0), DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)));
        }
        return places;
    }
}
