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
/// <paramref name="maxStreams"/> streams are kept; past that, or when <paramref name="tooMuch"/> says the kept states and
/// a new one weigh too much, everything kept is let go.
/// </summary>
public sealed class KeptPerStream<T>(
    int maxStreams,
    Func<IQuerySession, string, long, CancellationToken, Task<T>> readUpTo,
    Action<T, ITouchpoint> fold,
    Func<IEnumerable<T>, T, bool>? tooMuch = null) where T : class
{
    private sealed class Kept(T state, long upTo)
    {
        public readonly T State = state;
        public long UpTo = upTo;
    }

    private readonly ConcurrentDictionary<(string Tenant, string Stream), Kept> _kept = new();

    /// <summary>The stream's state up to the version before <paramref name="version"/>.</summary>
    public async Task<T> BeforeAsync(IQuerySession session, string streamId, long version, CancellationToken ct)
    {
        var key = (session.TenantId, streamId);
        if (_kept.TryGetValue(key, out var kept) && kept.UpTo == version - 1) return kept.State;
        var state = await readUpTo(session, streamId, version - 1, ct);
        if (_kept.Count >= maxStreams || tooMuch?.Invoke(_kept.Values.Select(k => k.State), state) == true) _kept.Clear();
        _kept[key] = new Kept(state, version - 1);
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
    }
}
