using System.Security.Cryptography;
using System.Text;

namespace EventCrm.Host.Access;

/// <summary>An API key as stored: only a hash of the secret is kept, never the secret itself.</summary>
public sealed record ApiKey(string Id, string Name, IReadOnlyList<string> Roles, string Hash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public bool IsRevoked => RevokedAt is not null;

    public static (ApiKey Key, string Secret) Create(string name, IReadOnlyList<string> roles, DateTimeOffset now)
    {
        var secret = $"ecrm_{Base64Url(RandomNumberGenerator.GetBytes(32))}";
        var id = $"key_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        return (new ApiKey(id, name, roles, HashOf(secret), now, null), secret);
    }

    public static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
