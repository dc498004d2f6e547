using System.Collections;

namespace EventCrm.Relationship.Value;

/// <summary>
/// An immutable list whose appends share one growing buffer: a ledger recording its n-th
/// purchase costs one slot, not a copy of the n-1 before it (valuing after every touchpoint made
/// replays quadratic). Only the list that ends where the buffer is filled up to writes in place;
/// appending to an older list, or from two threads at once, copies, so no list ever changes.
/// </summary>
public sealed class AppendedList<T> : IReadOnlyList<T>
{
    private sealed class Buffer(T[] items, int filled)
    {
        public T[] Items = items;
        public int Filled = filled;
    }

    private readonly Buffer _buffer;

    private AppendedList(Buffer buffer, int count) => (_buffer, Count) = (buffer, count);

    public int Count { get; }

    public T this[int index] => (uint)index < (uint)Count ? _buffer.Items[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary><paramref name="list"/> with <paramref name="item"/> after its last element; <paramref name="list"/> itself is left as it was.</summary>
    public static IReadOnlyList<T> Append(IReadOnlyList<T> list, T item)
    {
        if (list is AppendedList<T> appended
            && appended.Count < appended._buffer.Items.Length
            && Interlocked.CompareExchange(ref appended._buffer.Filled, appended.Count + 1, appended.Count) == appended.Count)
        {
            appended._buffer.Items[appended.Count] = item;
            return new AppendedList<T>(appended._buffer, appended.Count + 1);
        }
        var items = new T[Math.Max(4, list.Count * 2)];
        for (var i = 0; i < list.Count; i++) items[i] = list[i];
        items[list.Count] = item;
        return new AppendedList<T>(new Buffer(items, list.Count + 1), list.Count + 1);
    }

    public IEnumerator<T> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return _buffer.Items[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
