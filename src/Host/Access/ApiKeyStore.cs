using EventCrm.Host.Infrastructure;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Marten;

namespace EventCrm.Host.Access;

public sealed record Caller(string Id, string Name, IReadOnlyList<string> Roles);

/// <param name="Caller">The key's caller; null for a key that is missing from the store, revoked or not a key at all.</param>
/// <param name="RetryAfter">Set when the key was refused without a lookup, its address having tried too many unknown keys: how long until it may try again.</param>
public sealed record KeyCheck(Caller? Caller, TimeSpan? RetryAfter = null)
{
    public static readonly KeyCheck Unknown = new(Caller: null);
}

/// <summary>
/// Finds the caller of an API key. Lookups are cached briefly because every request needs one;
/// a revocation takes effect at once on the node that revoked and within <see cref="CacheFor"/> elsewhere.
/// </summary>
public sealed class ApiKeyStore(IDocumentStore store, IConfiguration configuration, TimeProvider clock, UnknownKeyLimit unknownKeys, LiveKeyHashes liveKeys)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    public const string BootstrapAdminId = "bootstrap-admin";
    /// <summary>Unknown keys are cached too (a client retrying a wrong key asks the database once), so random ones must not grow it without end.</summary>
    public const int MaxCached = 10_000;
    private readonly ConcurrentDictionary<string, (Caller? Caller, DateTimeOffset Until)> _cache = new();
    private long _lookups;

    /// <summary>
    /// The caller of <paramref name="secret"/>, sent from <paramref name="address"/> (<see cref="ClientAddress"/>).
    /// A secret that cannot be a key is unknown without a lookup; a well-formed one the store does not
    /// hold counts against its address, which past <see cref="UnknownKeyLimit"/> is refused (the answer's
    /// RetryAfter) without a lookup for any key but one the store holds.
    /// </summary>
    public async Task<KeyCheck> CheckAsync(string secret, string address, CancellationToken ct)
    {
        if (IsBootstrapAdmin(secret)) return new KeyCheck(BootstrapAdmin);
        if (!ApiKey.HasCreatedForm(secret)) return KeyCheck.Unknown;

        var hash = ApiKey.HashOf(secret);
        if (Cached(hash) is { } cached)
            return cached.Caller is { } known ? new KeyCheck(known) : new KeyCheck(null, unknownKeys.TryTake(address));

        if (unknownKeys.TryTake(address) is { } wait)
            return await liveKeys.HoldAsync(hash, ct) ? new KeyCheck(await LookUpAsync(hash, ct)) : new KeyCheck(null, wait);
        var foundUnknown = false;
        try
        {
            var caller = await LookUpAsync(hash, ct);
            foundUnknown = caller is null;
            return new KeyCheck(caller);
        }
        finally
        {
            // Only a key found unknown keeps its try: not a valid one, nor one the database could not be asked about.
            if (!foundUnknown) unknownKeys.GiveBack(address);
        }
    }

    /// <summary>The caller of <paramref name="secret"/>, counted against no address.</summary>
    public async Task<Caller?> FindAsync(string secret, CancellationToken ct)
    {
        if (IsBootstrapAdmin(secret)) return BootstrapAdmin;
        if (!ApiKey.HasCreatedForm(secret)) return null;
        var hash = ApiKey.HashOf(secret);
        return Cached(hash) is { } cached ? cached.Caller : await LookUpAsync(hash, ct);
    }

    /// <summary>How many keys were looked up in the database, one query each.</summary>
    public long Lookups => Interlocked.Read(ref _lookups);

    private static readonly Caller BootstrapAdmin = new(BootstrapAdminId, "bootstrap admin (Auth:AdminKey)", [Roles.Admin]);

    private (Caller? Caller, DateTimeOffset Until)? Cached(string hash) =>
        _cache.TryGetValue(hash, out var cached) && cached.Until > clock.GetUtcNow() ? cached : null;

    private async Task<Caller?> LookUpAsync(string hash, CancellationToken ct)
    {
        Interlocked.Increment(ref _lookups);
        await using var session = store.QuerySession();
        var key = await session.Query<ApiKey>().FirstOrDefaultAsync(k => k.Hash == hash, ct);
        var caller = key is { IsRevoked: false } ? new Caller(key.Id, key.Name, key.Roles) : null;
        var now = clock.GetUtcNow();
        if (_cache.Count >= MaxCached) MakeRoom(now);
        _cache[hash] = (caller, now + CacheFor);
        return caller;
    }

    /// <summary>How many key lookups are held: at most <see cref="MaxCached"/>.</summary>
    public int CachedKeys => _cache.Count;

    /// <summary>Expired lookups go first; a cache still full of live ones is dropped whole, a cache being only a shortcut.</summary>
    private void MakeRoom(DateTimeOffset now)
    {
        foreach (var (hash, entry) in _cache)
            if (entry.Until <= now) _cache.TryRemove(hash, out _);
        if (_cache.Count >= MaxCached) _cache.Clear();
    }

    public void Forget(string hash) => _cache.TryRemove(hash, out _);

    /// <summary>The shortest bootstrap admin key the service starts with: anyone who guesses it is an admin.</summary>
    public const int ShortestAdminKey = 16;

    /// <summary>Called at start, so that a guessable <c>Auth:AdminKey</c> stops the service rather than opening it.</summary>
    public static void CheckBootstrapKey(IConfiguration configuration)
    {
        if (configuration["Auth:AdminKey"] is { Length: > 0 } admin && admin.Length < ShortestAdminKey)
            throw new SettingRefusedException(
                $"Auth:AdminKey must be at least {ShortestAdminKey} characters; it has {admin.Length}. Anyone who guesses it is an admin: " +
                "use a random one (./eventcrm run makes one of 51 characters in .data/admin-key).");
    }

    private bool IsBootstrapAdmin(string secret) =>
        configuration["Auth:AdminKey"] is { Length: > 0 } admin
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(ApiKey.HashOf(secret)), Encoding.UTF8.GetBytes(ApiKey.HashOf(admin)));
}
