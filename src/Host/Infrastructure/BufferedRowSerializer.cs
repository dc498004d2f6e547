using System.Data.Common;
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
}
