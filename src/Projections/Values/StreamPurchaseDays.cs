using Marten;

namespace EventCrm.Projections.Values;

/// <summary>
/// The purchase days of the streams whose ledger the daemon had to place a purchase back-dated among its purchase days
/// for, kept between events and pages (<see cref="KeptPerStream{T}"/>): the stored ledger's summary does not keep those
/// days, and folding the stream whole at each such purchase (2-3 s at 150,000 events) made a block of back-dated
/// purchases cost that per page. A stream's days are read once (<see cref="FoldedPurchaseDays"/>: the purchases'
/// business times, no payload deserialised). At most <see cref="MaxStreams"/> streams, each bounded by the days of the
/// account's life; past that, the streams used least recently are let go first.
/// </summary>
public sealed class StreamPurchaseDays
{
    public const int MaxStreams = 256;

    private readonly KeptPerStream<FoldedPurchaseDays> _kept = new(MaxStreams,
        (_, streamId, upTo, _) => Task.FromResult(new FoldedPurchaseDays(streamId, upTo)), (days, touchpoint) => days.Add(touchpoint));

    /// <summary>Whether a purchase of the stream before <paramref name="version"/> fell on <paramref name="day"/>.</summary>
    public async Task<bool> BoughtOnAsync(IQuerySession session, string streamId, long version, DateOnly day, CancellationToken ct) =>
        (await (await _kept.BeforeAsync(session, streamId, version, ct)).AllAsync(session, ct)).Contains(day);

    /// <summary>The daemon folded the event at <paramref name="version"/>.</summary>
    public void Folded(IQuerySession session, string streamId, long version, object data) => _kept.Folded(session, streamId, version, data);
}
