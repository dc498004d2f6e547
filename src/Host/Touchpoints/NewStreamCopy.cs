using EventCrm.Projections.Customers;
using EventCrm.Relationship.Ingestion;
using JasperFx.Events;
using Marten;
using Marten.Events;
using JasperFx;
using Npgsql;
using NpgsqlTypes;

namespace EventCrm.Host.Touchpoints;

/// <summary>
/// Starts new customer streams with binary COPY inside the session's transaction, for bulk loads
/// (imports) where one function call per stream was the cost. It writes the rows Marten's quick
/// append would: the stream, its events with sequence numbers drawn from the store's sequence,
/// versions from 1, the session's correlation, causation and headers, and the customer's profile
/// (the inline projection, which does not see rows written this way). The unique indexes still
/// hold: a stream or touchpoint another writer got to first fails the whole transaction.
/// </summary>
public sealed class NewStreamCopy(IDocumentStore store)
{
    private readonly EventGraph _events = (EventGraph)((StoreOptions)store.Options).Events;
    private readonly ISerializer _serializer = store.Options.Serializer();
    private readonly CustomerProfileProjection _profiles = new();

    public async Task WriteAsync(IDocumentSession session, AppendContext context, IReadOnlyList<StreamAppend> streams,
        Func<Relationship.Touchpoints.ITouchpoint, IEvent> toEvent, CancellationToken ct)
    {
        if (streams.Count == 0) return;
        var connection = session.Connection ?? throw new InvalidOperationException("the session has no open transaction");
        var schema = _events.DatabaseSchemaName;
        var sequences = await SequencesAsync(connection, schema, streams.Sum(s => s.Touchpoints.Count), ct);
        var recordedAt = DateTimeOffset.UtcNow;
        var headers = _serializer.ToJson(new Dictionary<string, object> { [AppendContext.AppendedByHeader] = context.AppendedBy });

        await using (var rows = await connection.BeginBinaryImportAsync(
            $"copy {schema}.mt_streams (id, version, tenant_id) from stdin (format binary)", ct))
        {
            foreach (var stream in streams)
            {
                await rows.StartRowAsync(ct);
                await rows.WriteAsync(stream.CustomerId, NpgsqlDbType.Varchar, ct);
                await rows.WriteAsync((long)stream.Touchpoints.Count, NpgsqlDbType.Bigint, ct);
                await rows.WriteAsync(StorageConstants.DefaultTenantId, NpgsqlDbType.Varchar, ct);
            }
            await rows.CompleteAsync(ct);
        }

        var next = 0;
        await using (var rows = await connection.BeginBinaryImportAsync(
            $"copy {schema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived, " +
            "correlation_id, causation_id, headers) from stdin (format binary)", ct))
        {
            foreach (var stream in streams)
            {
                CustomerProfile? profile = null;
                for (var i = 0; i < stream.Touchpoints.Count; i++)
                {
                    var e = toEvent(stream.Touchpoints[i]);
                    (e.Sequence, e.Version, e.Timestamp) = (sequences[next++], i + 1, recordedAt);
                    await WriteEventAsync(rows, stream.CustomerId, e, context, headers, ct);
                    profile = _profiles.Evolve(profile, stream.CustomerId, e);
                }
                if (profile is null) continue;
                profile.Version = stream.Touchpoints.Count;
                session.Store(profile);
            }
            await rows.CompleteAsync(ct);
        }
    }

    private async Task WriteEventAsync(NpgsqlBinaryImporter rows, string streamId, IEvent e, AppendContext context, string headers, CancellationToken ct)
    {
        await rows.StartRowAsync(ct);
        await rows.WriteAsync(e.Sequence, NpgsqlDbType.Bigint, ct);
        await rows.WriteAsync(e.Id, NpgsqlDbType.Uuid, ct);
        await rows.WriteAsync(streamId, NpgsqlDbType.Varchar, ct);
        await rows.WriteAsync(e.Version, NpgsqlDbType.Bigint, ct);
        await rows.WriteAsync(_serializer.ToJson(e.Data), NpgsqlDbType.Jsonb, ct);
        await rows.WriteAsync(e.EventTypeName, NpgsqlDbType.Varchar, ct);
        await rows.WriteAsync(e.Timestamp, NpgsqlDbType.TimestampTz, ct);
        await rows.WriteAsync(StorageConstants.DefaultTenantId, NpgsqlDbType.Varchar, ct);
        await rows.WriteAsync(e.DotNetTypeName, NpgsqlDbType.Varchar, ct);
        await rows.WriteAsync(false, NpgsqlDbType.Boolean, ct);
        await WriteOrNullAsync(rows, context.CorrelationId, NpgsqlDbType.Varchar, ct);
        await WriteOrNullAsync(rows, context.CausationId, NpgsqlDbType.Varchar, ct);
        await rows.WriteAsync(headers, NpgsqlDbType.Jsonb, ct);
    }

    private static async Task WriteOrNullAsync(NpgsqlBinaryImporter rows, string? value, NpgsqlDbType type, CancellationToken ct)
    {
        if (value is null) await rows.WriteNullAsync(ct);
        else await rows.WriteAsync(value, type, ct);
    }

    /// <summary>Numbers from the store's own event sequence, in the order they were drawn.</summary>
    private static async Task<long[]> SequencesAsync(NpgsqlConnection connection, string schema, int count, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"select nextval('{schema}.mt_events_sequence') from generate_series(1, @n)", connection);
        command.Parameters.AddWithValue("n", count);
        var sequences = new long[count];
        var i = 0;
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) sequences[i++] = reader.GetInt64(0);
        Array.Sort(sequences);
        return sequences;
    }
}
