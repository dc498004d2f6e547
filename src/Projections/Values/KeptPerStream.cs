using System.Collections.Concurrent;
using EventCrm.Relationship.Touchpoints;
using Marten;

namespace EventCrm.Projections.Values;

/// <summary>
/// What the ledger daemon keeps of a stream between its events and pages, where the stored summary keeps too little
/// (<see cref="StreamPurchaseDays"/>, <see cref="StreamOrders"/>): read from the stream once, up to the version before the
/// event that needs it, then moved on with each of the stream's events the daemon folds. It is a fact of the stream up to a
/// version, never of a projection's state, so it holds for a rebuild too; it is used only for the event right after that
/// version (any other, a page retried or a rebuild starting over, drops it and reads again). At most
/// <paramref name="maxStreams"/> streams, weighing at most <paramref name="maxWeight"/> in all by <paramref name="weigh"/>
/// (checked when one is read), are kept; past either, the streams used least recently (asked or folded) are let go, one by
/// one, until the one read fits: a large account the daemon keeps folding stays kept while small ones come and go (letting
/// everything go would read it again after every few hundred others).
/// </summary>
/// <remarks>
/// The daemon calls it for several streams at once (a page's slices, tenants, databases), each stream from one call at a time.
/// </remarks>
public sealed class KeptPerStream<T>(
    int maxStreams,
    Func<IQuerySession, string, long, CancellationToken, Task<T>> readUpTo,
    Action<T, ITouchpoint> fold,
    Func<T, long>? weigh = null,
    long maxWeight = long.MaxValue) where T : class
{
    private sealed class Kept(T state, long upTo, long used)
    {
        public readonly T State = state;
        public long UpTo = upTo;
        public long Used = used;
    }

    private readonly ConcurrentDictionary<(string Tenant, string Stream), Kept> _kept = new();
    // A use's place in time: cheap to take on every event, and only ordered when streams must be let go.
    private long _uses;

    /// <summary>The stream's state up to the version before <paramref name="version"/>.</summary>
    public async Task<T> BeforeAsync(IQuerySession session, string streamId, long version, CancellationToken ct)
    {
        var key = (session.TenantId, streamId);
        if (_kept.TryGetValue(key, out var kept))
        {
            if (kept.UpTo == version - 1)
            {
                kept.Used = Interlocked.Increment(ref _uses);
                return kept.State;
            }
            _kept.TryRemove(key, out _);
        }
        var state = await readUpTo(session, streamId, version - 1, ct);
        MakeRoomFor(state);
        _kept[key] = new Kept(state, version - 1, Interlocked.Increment(ref _uses));
        return state;
    }

    /// <summary>The daemon folded the event at <paramref name="version"/>: the stream's state, if kept, moves on with it (or is dropped, out of step).</summary>
    public void Folded(IQuerySession session, string streamId, long version, object data)
    {
        var key = (session.TenantId, streamId);
        if (!_kept.TryGetValue(key, out var kept)) return;
        if (kept.UpTo != version - 1)
        {
            _kept.TryRemove(key, out _);
            return;
        }
        if (data is ITouchpoint touchpoint) fold(kept.State, touchpoint);
        kept.UpTo = version;
        kept.Used = Interlocked.Increment(ref _uses);
    }

    // Only after a read of a stream, which costs far more: the weights summed, and the kept streams sorted by use (at most
    // maxStreams of them) only when the one read does not fit. A stream let go is removed only as it was when sorted, not
    // as kept again since by another call.
    private void MakeRoomFor(T state)
    {
        var weight = weigh is null ? 0 : _kept.Values.Sum(k => weigh(k.State)) + weigh(state);
        using var leastRecentlyUsed = _kept.OrderBy(k => k.Value.Used).GetEnumerator();
        while ((_kept.Count >= maxStreams || weight > maxWeight) && leastRecentlyUsed.MoveNext())
            if (_kept.TryRemove(leastRecentlyUsed.Current) && weigh is not null) weight -= weigh(leastRecentlyUsed.Current.Value.State);
    }
}
