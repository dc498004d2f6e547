using EventCrm.Host.Customers;
using Marten;
using Npgsql;
using Mark = EventCrm.Host.Values.CheckpointedLedger.Mark;

namespace EventCrm.Host.Values;

/// <summary>
/// The touchpoints a value history counts, when they are the first ones of the stream, recorded in business
/// order: then their place in the timeline is their place in the stream, and a page of the history is read from
/// the checkpoints (<see cref="CheckpointedHistory"/>). As known now, that is the whole stream; as known at
/// <c>knownAt</c>, the touchpoints recorded by then, provided they come before every one recorded after it.
/// Recording times usually rise with the version, but two appends racing for a stream can commit in the other
/// order than they started (Marten's timestamp is the transaction's start), so that is checked, never assumed.
/// </summary>
/// <param name="Marks">The checkpoints all of whose touchpoints are counted, oldest first.</param>
/// <param name="Tail">The counted touchpoints after the last of them, in stream order.</param>
/// <param name="UpToVersion">No counted touchpoint lies after this version.</param>
/// <param name="Total">How many touchpoints are counted: the history's points.</param>
public sealed record HistoryPrefix(List<Mark> Marks, List<RecordedTouchpoint> Tail, long UpToVersion, int Total)
{
    /// <summary>Every touchpoint, when all were recorded in business order; else null.</summary>
    public static async Task<HistoryPrefix?> NowAsync(IQuerySession session, string customerId, List<Mark> marks, CancellationToken ct)
    {
        if (marks.Count == 0 || !marks[^1].InBusinessOrder) return null;
        var last = marks[^1];
        var (_, tail) = await CustomerStream.ReadAsync(session, customerId, withProfile: false, ct, afterVersion: last.Version);
        return InBusinessOrder(tail, last.LastOccurredAt) ? new HistoryPrefix(marks, tail, long.MaxValue, last.Touchpoints + tail.Count) : null;
    }

    /// <summary>
    /// The touchpoints recorded by <paramref name="knownAt"/>, when they are the first ones of the stream and in business
    /// order; else null (none known included: the whole stream's read says why).
    /// </summary>
    public static async Task<HistoryPrefix?> KnownAtAsync(IQuerySession session, string customerId, List<Mark> marks, DateTimeOffset knownAt, CancellationToken ct)
    {
        if (marks.Count == 0) return null;
        // The checkpoints whose every touchpoint was recorded by knownAt: the first ones (recordedUpTo is the latest of 1..version).
        var known = marks.FindLastIndex(m => m.RecordedUpTo <= knownAt);
        if (known >= 0 && !marks[known].InBusinessOrder) return null;
        // Past the next checkpoint, every stretch must hold only touchpoints recorded after knownAt, with none missing between them.
        for (var i = known + 2; i < marks.Count; i++)
            if (marks[i].PreviousVersion != marks[i - 1].Version || marks[i].SegmentEarliestRecordedAt <= knownAt) return null;
        var after = known < 0 ? 0 : marks[known].Version;
        if (known + 1 < marks.Count && await AnyRecordedByAsync(session, customerId, marks[^1].Version, knownAt, ct)) return null;

        // The stretch where knowledge stops: the touchpoints recorded by knownAt, then only ones recorded after it.
        var upTo = known + 1 < marks.Count ? marks[known + 1].Version : long.MaxValue;
        var (_, stretch) = await CustomerStream.ReadAsync(session, customerId, withProfile: false, ct, afterVersion: after, upToVersion: upTo);
        var counted = stretch.TakeWhile(t => t.RecordedAt <= knownAt).ToList();
        if (stretch.Skip(counted.Count).Any(t => t.RecordedAt <= knownAt)) return null;
        if (!InBusinessOrder(counted, known < 0 ? DateTimeOffset.MinValue : marks[known].LastOccurredAt)) return null;

        var total = (known < 0 ? 0 : marks[known].Touchpoints) + counted.Count;
        if (total == 0) return null;
        return new HistoryPrefix(marks.Take(known + 1).ToList(), counted, counted.Count > 0 ? counted[^1].Version : after, total);
    }

    /// <summary>Each dated no earlier than the one before it (the first no earlier than <paramref name="latest"/>): the timeline's order is the stream's.</summary>
    private static bool InBusinessOrder(List<RecordedTouchpoint> touchpoints, DateTimeOffset latest)
    {
        foreach (var recorded in touchpoints)
        {
            if (recorded.Touchpoint.OccurredAt < latest) return false;
            latest = recorded.Touchpoint.OccurredAt;
        }
        return true;
    }

    /// <summary>Whether an event after <paramref name="afterVersion"/> was recorded by knownAt: one indexed look at the recording times, no payload read.</summary>
    private static async Task<bool> AnyRecordedByAsync(IQuerySession session, string customerId, long afterVersion, DateTimeOffset knownAt, CancellationToken ct)
    {
        var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
        await using var command = new NpgsqlCommand(
            $"select exists (select 1 from {schema}.mt_events where stream_id = @id and version > @after and timestamp <= @known and is_archived = false)");
        command.Parameters.AddWithValue("id", customerId);
        command.Parameters.AddWithValue("after", afterVersion);
        command.Parameters.AddWithValue("known", knownAt.ToUniversalTime());   // Npgsql writes a timestamptz from UTC only
        await using var reader = await session.ExecuteReaderAsync(command, ct);
        return await reader.ReadAsync(ct) && reader.GetBoolean(0);
    }
}
