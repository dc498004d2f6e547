using Marten;

namespace EventCrm.Host.Access;

/// <summary>
/// The hashes of every key not revoked, read in one query at most once per <see cref="ReadAtMostEvery"/>,
/// and only for an address past its <see cref="UnknownKeyLimit"/>: there a key this node has not
/// cached may still be valid (a client behind the same proxy as a guesser, a key just made on another
/// node), and is let through to its lookup when the store holds it. Guessing from such addresses thus
/// costs at most one query a second, whatever the rate of guesses.
/// </summary>
public sealed class LiveKeyHashes(IDocumentStore store, TimeProvider clock)
{
    public static readonly TimeSpan ReadAtMostEvery = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _reading = new(1, 1);
    private volatile Snapshot? _last;
    private int _reads;

    private sealed record Snapshot(HashSet<string> Hashes, DateTimeOffset ReadAt);

    /// <summary>How many times the hashes were read from the database.</summary>
    public int Reads => _reads;

    public async Task<bool> HoldAsync(string hash, CancellationToken ct)
    {
        var last = _last;
        if (last is null || IsStale(last)) last = await ReadAsync(ct);
        return last.Hashes.Contains(hash);
    }

    private bool IsStale(Snapshot snapshot) => snapshot.ReadAt + ReadAtMostEvery <= clock.GetUtcNow();

    private async Task<Snapshot> ReadAsync(CancellationToken ct)
    {
        await _reading.WaitAsync(ct);
        try
        {
            // Requests that waited here take the read the first one made.
            if (_last is { } fresh && !IsStale(fresh)) return fresh;
            await using var session = store.QuerySession();
            var hashes = await session.Query<ApiKey>().Where(k => k.RevokedAt == null).Select(k => k.Hash).ToListAsync(ct);
            Interlocked.Increment(ref _reads);
            return _last = new Snapshot(hashes.ToHashSet(StringComparer.Ordinal), clock.GetUtcNow());
        }
        finally
        {
            _reading.Release();
        }
    }
}
