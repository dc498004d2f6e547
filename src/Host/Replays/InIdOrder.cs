using System.Runtime.CompilerServices;

namespace EventCrm.Host.Replays;

/// <summary>Sequences each sorted by an id (ordinal), merged into one sorted sequence; one sequence passes through untouched.</summary>
public static class InIdOrder
{
    public static async IAsyncEnumerable<T> Merge<T>(IReadOnlyList<IAsyncEnumerable<T>> sources, Func<T, string> idOf,
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
                var next = heads.MinBy(h => idOf(h.Current), StringComparer.Ordinal)!;
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
