using System.Security.Cryptography;
using System.Text;

namespace EventCrm.Host.Access;

/// <summary>An API key as stored: only a hash of the secret is kept, never the secret itself.</summary>
public sealed record ApiKey(string Id, string Name, IReadOnlyList<string> Roles, string Hash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public bool IsRevoked => RevokedAt is not null;

    public const string SecretPrefix = "ecrm_";
    /// <summary>32 random bytes in base64url without padding.</summary>
    public const int SecretRandomCharacters = 43;

    public static (ApiKey Key, string Secret) Create(string name, IReadOnlyList<string> roles, DateTimeOffset now)
    {
        var secret = $"{SecretPrefix}{Base64Url(RandomNumberGenerator.GetBytes(32))}";
        var id = $"key_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        return (new ApiKey(id, name, roles, HashOf(secret), now, null), secret);
    }

    /// <summary>
    /// Whether <paramref name="secret"/> is shaped as <see cref="Create"/> makes every secret: anything
    /// else cannot be a created key, and is refused without asking the database.
    /// </summary>
    public static bool HasCreatedForm(string secret) =>
        secret.Length == SecretPrefix.Length + SecretRandomCharacters
        && secret.StartsWith(SecretPrefix, StringComparison.Ordinal)
        && secret.AsSpan(SecretPrefix.Length).ContainsAnyExcept(Base64UrlCharacters) is false;

    private static readonly System.Buffers.SearchValues<char> Base64UrlCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
