using System.Globalization;
using EventCrm.Host.Customers;
using EventCrm.Projections.Values;
using EventCrm.Relationship.Value;
using Marten;
using Npgsql;

namespace EventCrm.Host.Values;

/// <summary>
/// A customer's ledger of the touchpoints that occurred by <c>asOf</c> and were recorded by <c>knownAt</c>,
/// from the latest <see cref="ValueCheckpoint"/> all of whose touchpoints count, moved on by the counted
/// touchpoints after it: a large account's value as of a past date reads about one checkpoint's worth
/// of events, not its whole stream (docs/value.md, "Reads of large accounts"). The segments after it
/// whose every touchpoint occurred after <c>asOf</c> (or was recorded after <c>knownAt</c>) are not read;
/// a back-dated touchpoint makes its segment read, wherever it lies; a back-dated purchase among the purchase days is placed
/// from the days counted before it (<see cref="FoldedPurchaseDays"/>: of those up to the checkpoint, only the segments that may
/// hold its day are read); a back-dated state change from the state-changing touchpoints counted before it and dated after it
/// (<see cref="FoldedStateMarks"/>: of those up to the checkpoint, only the stream after the last checkpoint dated no later than
/// it is read, types and times alone). The same touchpoints are counted
/// as by the fold of the whole stream, in stream order, so the answer is the same.
/// </summary>
public static class CheckpointedLedger
{
    /// <summary>What a checkpoint says of the events it covers, without its ledger: <paramref name="Touchpoints"/> of them, all in business order or not.</summary>
    public sealed record Mark(long Version, long PreviousVersion, DateTimeOffset LastOccurredAt, DateTimeOffset RecordedUpTo,
        DateTimeOffset? SegmentEarliestOccurredAt, DateTimeOffset? SegmentEarliestRecordedAt, int Touchpoints, bool InBusinessOrder);

    /// <summary>Null when no checkpoint exists yet, or when nothing is counted: fold the stream then.</summary>
    public static async Task<CustomerLedger?> ReadAsync(IQuerySession session, string customerId, DateTimeOffset asOf, DateTimeOffset? knownAt, CancellationToken ct)
    {
        var marks = await MarksAsync(session, customerId, ct);
        if (marks.Count == 0) return null;
        var known = knownAt ?? DateTimeOffset.MaxValue;
        // Both times are the latest of all the events up to the checkpoint, so the checkpoints fully counted come first.
        var start = marks.FindLastIndex(m => m.LastOccurredAt <= asOf && m.RecordedUpTo <= known);

        var ledger = start < 0 ? FoldedLedger.Empty(customerId)
            : (await session.LoadAsync<ValueCheckpoint>(ValueCheckpoint.IdOf(customerId, marks[start].Version), ct))?.Ledger;
        if (ledger is null) return null;
        // The purchase days counted so far: a purchase back-dated among them is placed from them, not by folding the stream whole.
        var startVersion = start < 0 ? 0 : marks[start].Version;
        var days = new FoldedPurchaseDays(customerId, startVersion, [.. marks.Take(start + 1).Select(Stretch)]);
        // The state-changing touchpoints counted so far: a state change back-dated among them is placed from those dated after it.
        var states = new FoldedStateMarks(customerId, startVersion, ledger.Touchpoints,
            [.. marks.Take(start + 1).Select(Point)]);
        foreach (var (after, upTo) in RangesToRead(marks, start, asOf, known))
        {
            var (_, touchpoints) = await CustomerStream.ReadAsync(session, customerId, withProfile: false, ct, afterVersion: after, upToVersion: upTo);
            foreach (var recorded in touchpoints)
            {
                if (recorded.RecordedAt > known || recorded.Touchpoint.OccurredAt > asOf) continue;
                var bought = ledger.PurchaseDayToLookUp(recorded.Touchpoint) is { } day ? await days.ContainAsync(session, day, ct) : (bool?)null;
                var kept = ledger.MarksToLookUp(recorded.Touchpoint) ? await states.AfterAsync(session, recorded.Touchpoint.OccurredAt, ct) : null;
                if (ValuationFold.TryRecord(ledger, recorded.Touchpoint, bought, kept) is not { } moved) return null;
                ledger = moved;
                days.Add(recorded.Touchpoint);
                states.Add(recorded.Touchpoint);
            }
        }
        return ledger.Touchpoints > 0 ? ledger : null;
    }

    /// <summary>A checkpoint's segment and the days its touchpoints fall on: from its earliest business time to the latest of the stream up to it.</summary>
    public static PurchaseDayStretch Stretch(Mark mark) => new(mark.PreviousVersion, mark.Version,
        mark.SegmentEarliestOccurredAt is { } earliest ? PurchaseOccasions.DayOf(earliest) : null, PurchaseOccasions.DayOf(mark.LastOccurredAt));

    /// <summary>
    /// The version ranges (after, upTo] past the starting checkpoint that may hold a counted touchpoint, in
    /// stream order: each later segment unless all of its touchpoints occurred after asOf or were recorded
    /// after knownAt, and everything after the last checkpoint.
    /// </summary>
    private static List<(long After, long UpTo)> RangesToRead(List<Mark> marks, int start, DateTimeOffset asOf, DateTimeOffset known)
    {
        var ranges = new List<(long After, long UpTo)>();
        var covered = start < 0 ? 0 : marks[start].Version;
        foreach (var mark in marks.Skip(start + 1))
        {
            // A segment not starting where the last one ended (a checkpoint missing) is read whole.
            var skip = mark.PreviousVersion == covered
                       && (mark.SegmentEarliestOccurredAt is not { } occurred || occurred > asOf
                           || mark.SegmentEarliestRecordedAt is not { } recorded || recorded > known);
            if (!skip) Add(ranges, covered, mark.Version);
            covered = mark.Version;
        }
        Add(ranges, covered, long.MaxValue);
        return ranges;
    }

    private static void Add(List<(long After, long UpTo)> ranges, long after, long upTo)
    {
        if (ranges.Count > 0 && ranges[^1].UpTo == after) ranges[^1] = (ranges[^1].After, upTo);
        else ranges.Add((after, upTo));
    }

    /// <summary>The customer's checkpoints, oldest first; those missing (the stream a checkpoint's worth or more past the last) written first.</summary>
    public static async Task<List<Mark>> MarksAsync(IQuerySession session, string customerId, CancellationToken ct)
    {
        var marks = await StoredMarksAsync(session, customerId, ct);
        var last = marks.Count == 0 ? 0 : marks[^1].Version;
        var streamVersion = await StreamVersionAsync(session, customerId, ct);
        if (!ValueCheckpoints.AreMissing(last, streamVersion)) return marks;
        await ValueCheckpoints.WriteMissingAsync(session, customerId, last, streamVersion, ct);
        return await StoredMarksAsync(session, customerId, ct);
    }

    private static async Task<long> StreamVersionAsync(IQuerySession session, string customerId, CancellationToken ct) =>
        (await session.Events.FetchStreamStateAsync(customerId, ct))?.Version ?? 0;

    /// <summary>A checkpoint as a point of the stream: its touchpoints up to it, all dated no later than its latest business time.</summary>
    public static StreamPoint Point(Mark mark) => new(mark.Version, mark.Touchpoints, mark.LastOccurredAt);

    /// <summary>The customer's checkpoints as stored, oldest first, none written.</summary>
    public static async Task<List<Mark>> StoredMarksAsync(IQuerySession session, string customerId, CancellationToken ct)
    {
        var schema = session.DocumentStore.Options.DatabaseSchemaName;
        await using var command = new NpgsqlCommand(
            "select data ->> 'version', data ->> 'previousVersion', data ->> 'lastOccurredAt', data ->> 'recordedUpTo', " +
            "data ->> 'segmentEarliestOccurredAt', data ->> 'segmentEarliestRecordedAt', " +
            "(data -> 'ledger' ->> 'touchpoints')::int, coalesce((data -> 'ledger' ->> 'inBusinessOrder')::boolean, false) " +
            $"from {schema}.mt_doc_{nameof(ValueCheckpoint).ToLowerInvariant()} where data ->> 'customerId' = @id");
        command.Parameters.AddWithValue("id", customerId);
        var marks = new List<Mark>();
        await using var reader = await session.ExecuteReaderAsync(command, ct);
        while (await reader.ReadAsync(ct))
        {
            if (await reader.IsDBNullAsync(2, ct)) continue;
            marks.Add(new Mark(long.Parse(reader.GetString(0), CultureInfo.InvariantCulture), long.Parse(reader.GetString(1), CultureInfo.InvariantCulture),
                Moment(reader.GetString(2)), Moment(reader.GetString(3)),
                await reader.IsDBNullAsync(4, ct) ? null : Moment(reader.GetString(4)), await reader.IsDBNullAsync(5, ct) ? null : Moment(reader.GetString(5)),
                reader.GetInt32(6), reader.GetBoolean(7)));
        }
        marks.Sort((a, b) => a.Version.CompareTo(b.Version));
        return marks;
    }

    private static DateTimeOffset Moment(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
