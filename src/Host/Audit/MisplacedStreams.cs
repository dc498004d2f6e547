using EventCrm.Host.Infrastructure;
using EventCrm.Host.Sharding;
using EventCrm.Projections.Audit;
using Marten;
using Npgsql;

namespace EventCrm.Host.Audit;

/// <summary>
/// A customer's stream held by a database its id does not route to (<see cref="CustomerShardRule"/>). The service never
/// writes one there and reads a customer in its own database alone, so such a stream was written by other means (an insider's
/// SQL, an operator's slip): its events are sealed there like any others, and its chain verifies, so the chain check alone
/// cannot tell. Its customer's value, timeline and audit read the routed database's copy only, while the portfolio's and data
/// quality's counts, which add every database, count both.
/// </summary>
public sealed class MisplacedStreams(IDocumentStore store, CustomerDatabases databases)
{
    /// <summary>Whether a stream found in <paramref name="database"/> belongs elsewhere: the service's own streams belong to no customer.</summary>
    public bool IsMisplaced(string streamId, string database) =>
        databases.Sharded && !SystemStreams.AreTheServices(streamId) && databases.TenantOf(streamId) != database;

    /// <summary>The mismatch that says so, at the stream's first event in <paramref name="database"/> (or its first seal, when no event is left).</summary>
    public async Task<AuditMismatch> MismatchAsync(NpgsqlConnection connection, string streamId, string database, CancellationToken ct)
    {
        var schema = store.Options.DatabaseSchemaName;
        var (sequence, version, touchpointId, events) = await FirstEventAsync(connection, schema, streamId, ct);
        var routedTo = databases.TenantOf(streamId);
        await using var routed = await StreamAudit.OpenAsync(await databases.DatabaseIn(routedTo), ct);
        var (_, _, _, there) = await FirstEventAsync(routed, schema, streamId, ct);
        return new AuditMismatch(sequence, version, touchpointId, Problem(streamId, database, routedTo, events, there));
    }

    /// <summary>The stream's first event (else its first seal) and how many events the database holds of it.</summary>
    private static async Task<(long Sequence, long Version, string? TouchpointId, long Events)> FirstEventAsync(NpgsqlConnection connection, string schema,
        string streamId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select seq_id, version, data ->> 'touchpointId', count(*) over () from {schema}.mt_events where stream_id = @id " +
            $"union all (select seq_id, version, null, 0 from {schema}.{AuditStorage.TableName} where stream_id = @id order by version limit 1) " +
            "order by 4 desc, 2 limit 1", connection);
        command.Parameters.AddWithValue("id", streamId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return (0, 0, null, 0);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3));
    }

    public static string Problem(string customerId, string database, string routedTo, long events, long eventsThere) =>
        $"this stream is held by {database}, but customer {customerId}'s id routes to {routedTo}" +
        (eventsThere > 0 ? $", which holds its stream too ({Events(eventsThere)})" : ", which holds no stream of it (the customer's routes but its audit answer 404)") +
        $": the service writes a customer's events in the database its id routes to only, so " +
        (events switch { 0 => "what it holds was", 1 => "this event was", _ => $"these {Events(events)} were" }) + " " +
        $"written into {database} by other means. " +
        (eventsThere > 0
            ? $"The customer's value, timeline and audit read {routedTo} alone; the portfolio and data quality, which add every database, count both"
            : "The portfolio and data quality, which add every database, count it");

    private static string Events(long count) => count == 1 ? "1 event" : $"{count:N0} events";
}
