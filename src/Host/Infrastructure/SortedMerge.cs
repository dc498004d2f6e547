using System.Runtime.CompilerServices;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Sequences each sorted in the same order (one per database), merged into one sorted sequence,
/// each read as it is consumed; on a tie the earlier sequence comes first. One sequence passes
/// through untouched.
/// </summary>
public static class SortedMerge
{
    public static async IAsyncEnumerable<T> Merge<T>(IReadOnlyList<IAsyncEnumerable<T>> sources, IComparer<T> order,
        [EnumeratorCancellation] CancellationToken ct)
    {
        if (sources.Count == 1)
        {
            await foreach (var item in sources[0].WithCancellation(ct)) yield return item;
            yield break;
        }
        var heads = new List<IAsyncEnumerator<T>>();
        try
        {
            foreach (var source in sources)
            {
                var head = source.GetAsyncEnumerator(ct);
                if (await head.MoveNextAsync()) heads.Add(head);
                else await head.DisposeAsync();
            }
            while (heads.Count > 0)
            {
                var next = heads.MinBy(h => h.Current, order)!;
                yield return next.Current;
                if (await next.MoveNextAsync()) continue;
                heads.Remove(next);
                await next.DisposeAsync();
            }
        }
        finally
        {
            foreach (var head in heads) await head.DisposeAsync();
        }
    }
}
