using System.Data.Common;
using System.Text.Json;
using Marten;
using Marten.Services;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Marten's System.Text.Json serializer with its asynchronous reads done synchronously. Marten
/// reads rows whole (never with sequential access), so a payload is already in memory when it is
/// deserialized, and System.Text.Json's asynchronous path (a state machine per value, the stream
/// copied in segments) was most of the CPU of a value read and of the daemon's event loading
/// (perf, docs/design.md). Same options, same objects: only the path to them changes.
/// </summary>
public sealed class BufferedRowSerializer : SystemTextJsonSerializer, ISerializer
{
    public new ValueTask<T> FromJsonAsync<T>(Stream stream, CancellationToken cancellationToken = default) =>
        new(FromJson<T>(stream));

    public new ValueTask<T> FromJsonAsync<T>(DbDataReader reader, int index, CancellationToken cancellationToken = default) =>
        new(FromJson<T>(reader, index));

    public new ValueTask<object> FromJsonAsync(Type type, Stream stream, CancellationToken cancellationToken = default) =>
        new(FromJson(type, stream));

    public new ValueTask<object> FromJsonAsync(Type type, DbDataReader reader, int index, CancellationToken cancellationToken = default) =>
        new(FromJson(type, reader, index));

    /// <summary>
    /// The store's event types: a JSON error reading one is an event as stored that this code cannot
    /// read (<see cref="StoredFactsRequired"/>), not a client's bad body, and is reported as such.
    /// </summary>
    public Func<Type, bool> IsStoredEvent { get; set; } = _ => false;

    // try/catch rather than a shared helper taking a lambda: a replay reads a million events through here.
    public new T FromJson<T>(Stream stream)
    {
        try { return base.FromJson<T>(stream); }
        catch (JsonException e) when (IsStoredEvent(typeof(T))) { throw new StoredEventUnreadableException(typeof(T), e); }
    }

    public new T FromJson<T>(DbDataReader reader, int index)
    {
        try { return base.FromJson<T>(reader, index); }
        catch (JsonException e) when (IsStoredEvent(typeof(T))) { throw new StoredEventUnreadableException(typeof(T), e); }
    }

    public new object FromJson(Type type, Stream stream)
    {
        try { return base.FromJson(type, stream); }
        catch (JsonException e) when (IsStoredEvent(type)) { throw new StoredEventUnreadableException(type, e); }
    }

    public new object FromJson(Type type, DbDataReader reader, int index)
    {
        try { return base.FromJson(type, reader, index); }
        catch (JsonException e) when (IsStoredEvent(type)) { throw new StoredEventUnreadableException(type, e); }
    }
}
