using EventCrm.Relationship.Value;
using Marten;

namespace EventCrm.Projections.Values;

/// <summary>
/// The state-changing touchpoints of the streams whose ledger the daemon had to move on past a back-dated state change
/// for (a churn, a cancellation request or its withdrawal, an answered offer, a signup, a lead dated before the latest,
/// or a purchase that finds no customer then), kept between events and pages (<see cref="KeptPerStream{T}"/>): folding the
/// stream whole at each page that met one cost 2-3 s at 150,000 events (docs/performance.md). A stream's marks are read
/// once (<see cref="FoldedStateMarks"/>: types and business times, no payload deserialised). At most
/// <see cref="MaxStreams"/> streams and, when a stream is read, about <see cref="MaxMarks"/> marks in all (some 30-60 bytes
/// each) are kept.
/// </summary>
public sealed class StreamStateMarks
{
    public const int MaxStreams = 256;
    public const int MaxMarks = 2_000_000;

    private readonly KeptPerStream<FoldedStateMarks> _kept = new(MaxStreams, FoldedStateMarks.ReadAsync, (marks, touchpoint) => marks.Add(touchpoint),
        weigh: marks => marks.Count, maxWeight: MaxMarks);

    /// <summary>The stream's state-changing touchpoints before <paramref name="version"/>.</summary>
    public async Task<StateMarks> BeforeAsync(IQuerySession session, string streamId, long version, CancellationToken ct) =>
        await (await _kept.BeforeAsync(session, streamId, version, ct)).AfterAsync(session, DateTimeOffset.MinValue, ct);

    /// <summary>The daemon folded the event at <paramref name="version"/>.</summary>
    public void Folded(IQuerySession session, string streamId, long version, object data) => _kept.Folded(session, streamId, version, data);
}
