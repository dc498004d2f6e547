namespace EventCrm.Tests.Reliability.Support;

/// <summary>
/// A small deterministic generator (SplitMix64): the same seed gives the same sequence on every
/// machine and .NET version, so a failing fuzz case is reproduced from the seed it prints.
/// </summary>
public sealed class SeededRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong NextULong()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>0 &lt;= n &lt; max.</summary>
    public int Next(int max) => max <= 1 ? 0 : (int)(NextULong() % (ulong)max);

    /// <summary>min &lt;= n &lt;= max.</summary>
    public int Between(int min, int max) => min + Next(max - min + 1);

    public bool Chance(double probability) => NextULong() % 1_000_000 < probability * 1_000_000;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    public byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++) bytes[i] = (byte)NextULong();
        return bytes;
    }

    /// <summary>A new generator whose sequence depends only on this one's seed and the index: case i is reproducible alone.</summary>
    public static SeededRandom ForCase(ulong seed, int index) => new(seed * 0x2545F4914F6CDD1DUL + (ulong)index * 0x9E3779B97F4A7C15UL);
}
