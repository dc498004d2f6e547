using System.Collections;
using System.Diagnostics;

namespace EventCrm.Tests.Support;

/// <summary>
/// Where an in-memory trace exporter puts the spans it is given, readable while it adds: the SDK
/// listens to the activity sources of every Host in the process, whose requests end on other threads.
/// </summary>
public sealed class ExportedSpans : ICollection<Activity>
{
    private readonly List<Activity> _spans = [];

    /// <summary>The spans of the requests to a path starting so, exported so far.</summary>
    public Activity[] OfRequestsTo(string pathStart)
    {
        lock (_spans)
            return _spans.Where(s => s.Kind == ActivityKind.Server && s.GetTagItem("url.path") is string path && path.StartsWith(pathStart)).ToArray();
    }

    public void Add(Activity item)
    {
        lock (_spans) _spans.Add(item);
    }

    public void Clear()
    {
        lock (_spans) _spans.Clear();
    }

    public bool Contains(Activity item)
    {
        lock (_spans) return _spans.Contains(item);
    }

    public void CopyTo(Activity[] array, int arrayIndex)
    {
        lock (_spans) _spans.CopyTo(array, arrayIndex);
    }

    public bool Remove(Activity item)
    {
        lock (_spans) return _spans.Remove(item);
    }

    public int Count
    {
        get { lock (_spans) return _spans.Count; }
    }

    public bool IsReadOnly => false;

    public IEnumerator<Activity> GetEnumerator()
    {
        lock (_spans) return _spans.ToList().GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
