using System.Globalization;
using EventCrm.Relationship.Lifecycle;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using Marten;
using Npgsql;

namespace EventCrm.Projections.Values;

/// <summary>
/// A version of a customer's stream whose touchpoints up to it number <paramref name="Touchpoints"/> and occurred no later than
/// <paramref name="LastOccurredAt"/>: a value checkpoint. A touchpoint dated after that time lies after that version.
/// </summary>
public sealed record StreamPoint(long Version, int Touchpoints, DateTimeOffset LastOccurredAt);

/// <summary>
/// The state-changing touchpoints folded so far into a ledger being moved on (<see cref="StateMarks"/>): what a ledger
/// summary does not keep and a state change dated before its latest one needs (the marks dated after it). Kept as the
/// touchpoints are folded; those up to the version the fold starts from are read from the stream only when first asked
/// (types and business times, no payload deserialised), so a back-dated churn costs a replay of the marks after it, not a
/// refold of the stream. Given the points of the stream up to the start whose touchpoints are all dated earlier (the value
/// checkpoints), a question about one time reads only the stream after the last such point dated no later than it: what a
/// back-dated block reaches back to, not the stream's length. Bounded by the stream's state-changing touchpoints.
/// </summary>
public sealed class FoldedStateMarks
{
    private readonly string _customerId;
    private readonly IReadOnlyList<StreamPoint> _points;
    private readonly int _touchpointsAtStart;
    private int _folded;
    // The stream is read from this version up to the start; the marks of the versions before it are not kept.
    private long _readFrom;

    /// <param name="customerId">The stream.</param>
    /// <param name="startVersion">The version the fold starts from.</param>
    /// <param name="touchpointsAtStart">The touchpoints of the stream up to <paramref name="startVersion"/>: the place of the next one.</param>
    /// <param name="points">Points of the stream up to <paramref name="startVersion"/>, oldest first (none: read it all when asked).</param>
    public FoldedStateMarks(string customerId, long startVersion, int touchpointsAtStart, IReadOnlyList<StreamPoint>? points = null)
    {
        (_customerId, _touchpointsAtStart, _readFrom) = (customerId, touchpointsAtStart, startVersion);
        _points = points?.Where(p => p.Version <= startVersion).ToList() ?? [];
    }

    private readonly StateMarks _marks = new();

    public int Count => _marks.Count;

    /// <summary>One more touchpoint folded (in stream order, whether or not the summary could place it).</summary>
    public void Add(ITouchpoint touchpoint) => _marks.Add(touchpoint.OccurredAt, _touchpointsAtStart + _folded++, TouchpointTypes.NameOf(touchpoint));

    /// <summary>The marks folded so far, with at least all those dated after <paramref name="at"/>: of those up to the start, the stream after the last point dated no later is read.</summary>
    public async Task<StateMarks> AfterAsync(IQuerySession session, DateTimeOffset at, CancellationToken ct)
    {
        var from = _points.LastOrDefault(p => p.LastOccurredAt <= at) ?? new StreamPoint(0, 0, DateTimeOffset.MinValue);
        if (from.Version < _readFrom)
        {
            await ReadAsync(session, from.Version, from.Touchpoints, _readFrom, ct);
            _readFrom = from.Version;
        }
        return _marks;
    }

    /// <summary>The stream's marks up to and including <paramref name="upTo"/>, read whole: what the ledger daemon keeps.</summary>
    public static async Task<FoldedStateMarks> ReadAsync(IQuerySession session, string customerId, long upTo, CancellationToken ct)
    {
        var marks = new FoldedStateMarks(customerId, 0, 0);
        // Read as if folded: the next touchpoint takes the place after them.
        marks._folded = await marks.ReadAsync(session, 0, 0, upTo, ct);
        return marks;
    }

    /// <summary>Reads the marks of the versions (<paramref name="after"/>, <paramref name="upTo"/>], the first touchpoint at place <paramref name="firstPlace"/>; gives how many touchpoints it read.</summary>
    private async Task<int> ReadAsync(IQuerySession session, long after, int firstPlace, long upTo, CancellationToken ct)
    {
        var read = 0;
        if (upTo <= after) return read;
        var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
        await using var command = new NpgsqlCommand(
            $"select type, data ->> 'occurredAt' from {schema}.mt_events where stream_id = @id and version > @after and version <= @upTo " +
            "and is_archived = false and type = any(@types) order by version");
        command.Parameters.AddWithValue("id", _customerId);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("upTo", upTo);
        command.Parameters.AddWithValue("types", TouchpointTypes.ByName.Keys.ToArray());
        await using var reader = await session.ExecuteReaderAsync(command, ct);
        while (await reader.ReadAsync(ct))
        {
            var type = reader.GetString(0);
            // Only the state-changing ones are kept; every touchpoint takes a place.
            if (Lifecycle.CanChangeState(type))
                _marks.Add(DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), firstPlace + read, type);
            read++;
        }
        return read;
    }
}
