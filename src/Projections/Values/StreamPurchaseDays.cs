using System.Collections.Concurrent;
using EventCrm.Relationship.Touchpoints;
using Marten;

namespace EventCrm.Projections.Values;

/// <summary>
/// The purchase days of the streams whose ledger the daemon had to place a purchase back-dated among its purchase days
/// for, kept between events and pages: the stored ledger's summary does not keep those days, and folding the stream
/// whole at each such purchase (2-3 s at 150,000 events) made a block of back-dated purchases cost that per page. A
/// stream's days are read once (<see cref="FoldedPurchaseDays"/>: the purchases' business times, no payload
/// deserialised) and then moved on with each of its events the daemon folds. They are facts of the stream up to a
/// version, never of a projection's state, so they hold for a rebuild too; they are used only for the event right after
/// that version (any other, a page retried or a rebuild starting over, drops them and reads again). At most
/// <see cref="MaxStreams"/> streams are kept, each bounded by the days of the account's life.
/// </summary>
public sealed class StreamPurchaseDays
{
    public const int MaxStreams = 256;

    private sealed class Kept(FoldedPurchaseDays days, long upTo)
    {
        public readonly FoldedPurchaseDays Days = days;
        public long UpTo = upTo;
    }

    private readonly ConcurrentDictionary<(string Tenant, string Stream), Kept> _kept = new();

    /// <summary>Whether a purchase of the stream before <paramref name="version"/> fell on <paramref name="day"/>.</summary>
    public async Task<bool> BoughtOnAsync(IQuerySession session, string streamId, long version, DateOnly day, CancellationToken ct)
    {
        var key = (session.TenantId, streamId);
        if (!_kept.TryGetValue(key, out var kept) || kept.UpTo != version - 1)
        {
            if (_kept.Count >= MaxStreams) _kept.Clear();
            kept = _kept[key] = new Kept(new FoldedPurchaseDays(streamId, version - 1), version - 1);
        }
        return (await kept.Days.AllAsync(session, ct)).Contains(day);
    }

    /// <summary>The daemon folded the event at <paramref name="version"/>: the stream's days, if kept, move on with it (or are dropped, out of step).</summary>
    public void Folded(IQuerySession session, string streamId, long version, object data)
    {
        var key = (session.TenantId, streamId);
        if (!_kept.TryGetValue(key, out var kept)) return;
        if (kept.UpTo != version - 1)
        {
            _kept.TryRemove(key, out _);
            return;
        }
        if (data is ITouchpoint touchpoint) kept.Days.Add(touchpoint);
        kept.UpTo = version;
    }
}
