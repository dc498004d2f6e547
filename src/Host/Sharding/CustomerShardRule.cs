using System.Text;

namespace EventCrm.Host.Sharding;

/// <summary>
/// Which of N databases holds a customer. A stable hash (FNV-1a, 32 bits, of the id's UTF-8
/// bytes; never string.GetHashCode, which changes per process) picks one of a fixed number of
/// buckets, and each database owns a contiguous range of buckets: adding a database re-splits the
/// ranges, so only the buckets changing hands would move, not every customer as with hash mod N.
/// </summary>
public static class CustomerShardRule
{
    public const int Buckets = 1024;

    public static int BucketOf(string customerId) => (int)(Fnv1a(Encoding.UTF8.GetBytes(customerId)) % Buckets);

    public static int DatabaseOf(string customerId, int databases) => BucketOf(customerId) * databases / Buckets;

    public static uint Fnv1a(ReadOnlySpan<byte> bytes)
    {
        var hash = 2166136261u;
        foreach (var b in bytes) hash = (hash ^ b) * 16777619u;
        return hash;
    }
}
