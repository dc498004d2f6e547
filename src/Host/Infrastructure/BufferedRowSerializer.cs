using System.Buffers;
using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using EventCrm.Relationship.Touchpoints;
using Marten;
using Marten.Services;
using Casing = Weasel.Core.Casing;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Marten's System.Text.Json serializer with its asynchronous reads done synchronously. Marten
/// reads rows whole (never with sequential access), so a payload is already in memory when it is
/// deserialized, and System.Text.Json's asynchronous path (a state machine per value, the stream
/// copied in segments) was most of the CPU of a value read and of the daemon's event loading
/// (perf, docs/design.md). Touchpoints, the bulk of what is read, go through a
/// <see cref="PositionalRecordReader"/> first. Same options, same objects: only the path to them changes.
/// </summary>
public sealed class BufferedRowSerializer : SystemTextJsonSerializer, ISerializer
{
    /// <summary>jsonb's binary form starts with its version, 1, before the text.</summary>
    private const byte JsonbVersion = 1;

    private readonly ConcurrentDictionary<Type, PositionalRecordReader?> _readers = new();

    public new T FromJson<T>(Stream stream) => ReaderFor(typeof(T)) is { } reader ? (T)Read(typeof(T), reader, stream) : base.FromJson<T>(stream);

    public new T FromJson<T>(DbDataReader reader, int index) => FromJson<T>(reader.GetStream(index));

    public new object FromJson(Type type, Stream stream) => ReaderFor(type) is { } reader ? Read(type, reader, stream) : base.FromJson(type, stream);

    public new object FromJson(Type type, DbDataReader reader, int index) => FromJson(type, reader.GetStream(index));

    public new ValueTask<T> FromJsonAsync<T>(Stream stream, CancellationToken cancellationToken = default) =>
        new(FromJson<T>(stream));

    public new ValueTask<T> FromJsonAsync<T>(DbDataReader reader, int index, CancellationToken cancellationToken = default) =>
        new(FromJson<T>(reader, index));

    public new ValueTask<object> FromJsonAsync(Type type, Stream stream, CancellationToken cancellationToken = default) =>
        new(FromJson(type, stream));

    public new ValueTask<object> FromJsonAsync(Type type, DbDataReader reader, int index, CancellationToken cancellationToken = default) =>
        new(FromJson(type, reader, index));

    private PositionalRecordReader? ReaderFor(Type type) =>
        typeof(ITouchpoint).IsAssignableFrom(type) ? _readers.GetOrAdd(type, t => PositionalRecordReader.For(t, NamingPolicy)) : null;

    private JsonNamingPolicy? NamingPolicy => Casing switch
    {
        Casing.CamelCase => JsonNamingPolicy.CamelCase,
        Casing.SnakeCase => JsonNamingPolicy.SnakeCaseLower,
        _ => null,
    };

    private object Read(Type type, PositionalRecordReader reader, Stream stream)
    {
        if (stream is MemoryStream memory && memory.TryGetBuffer(out var buffer))
            return reader.TryRead(WithoutVersion(buffer.AsSpan((int)memory.Position)), out var record) ? record! : base.FromJson(type, stream);

        var rented = ArrayPool<byte>.Shared.Rent(stream.CanSeek ? (int)(stream.Length - stream.Position) : 4096);
        try
        {
            var length = ReadAll(stream, ref rented);
            return reader.TryRead(WithoutVersion(rented.AsSpan(0, length)), out var record)
                ? record!
                : base.FromJson(type, new MemoryStream(rented, 0, length, writable: false));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static ReadOnlySpan<byte> WithoutVersion(ReadOnlySpan<byte> payload) =>
        payload.Length > 0 && payload[0] == JsonbVersion ? payload[1..] : payload;

    private static int ReadAll(Stream stream, ref byte[] buffer)
    {
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }
            var read = stream.Read(buffer, length, buffer.Length - length);
            if (read == 0) return length;
            length += read;
        }
    }
}
