using EventCrm.Host.Infrastructure;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Marten;

namespace EventCrm.Host.Access;

public sealed record Caller(string Id, string Name, IReadOnlyList<string> Roles);

/// <summary>
/// Finds the caller of an API key. Lookups are cached briefly because every request needs one;
/// a revocation takes effect at once on the node that revoked and within <see cref="CacheFor"/> elsewhere.
/// </summary>
public sealed class ApiKeyStore(IDocumentStore store, IConfiguration configuration, TimeProvider clock)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    public const string BootstrapAdminId = "bootstrap-admin";
    /// <summary>Unknown keys are cached too (a client retrying a wrong key asks the database once), so random ones must not grow it without end.</summary>
    public const int MaxCached = 10_000;
    private readonly ConcurrentDictionary<string, (Caller? Caller, DateTimeOffset Until)> _cache = new();

    public async Task<Caller?> FindAsync(string secret, CancellationToken ct)
    {
        if (IsBootstrapAdmin(secret)) return new Caller(BootstrapAdminId, "bootstrap admin (Auth:AdminKey)", [Roles.Admin]);

        var hash = ApiKey.HashOf(secret);
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(hash, out var cached) && cached.Until > now) return cached.Caller;

        await using var session = store.QuerySession();
        var key = await session.Query<ApiKey>().FirstOrDefaultAsync(k => k.Hash == hash, ct);
        var caller = key is { IsRevoked: false } ? new Caller(key.Id, key.Name, key.Roles) : null;
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
