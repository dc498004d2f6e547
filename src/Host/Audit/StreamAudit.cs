using System.Data;
using EventCrm.Host.Sharding;
using Marten.Storage;
using EventCrm.Projections.Audit;
using Marten;
using Npgsql;

namespace EventCrm.Host.Audit;

/// <summary>Verifies streams against their seals, reading the events table as stored (not through projections).</summary>
public sealed class StreamAudit(IDocumentStore store, CustomerDatabases databases)
{
    public async Task<AuditReport?> VerifyAsync(string streamId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(await databases.DatabaseOf(streamId), ct);
        var reports = await VerifyAsync(connection, [streamId], ct);
        return reports.GetValueOrDefault(streamId);
    }

    /// <summary>
    /// One report per stream that has events; streams are read together to keep round trips few.
    /// The sealer's progress, the events and the seals are read in one snapshot: an event appended
    /// and sealed between two of the reads would otherwise look like a seal without its event.
    /// </summary>
    public async Task<Dictionary<string, AuditReport>> VerifyAsync(NpgsqlConnection connection, string[] streamIds, CancellationToken ct)
    {
        var schema = AuditStorage.SchemaOf(store);
        void Bind(NpgsqlCommand c) => c.Parameters.AddWithValue("ids", streamIds);
        await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var sealedThrough = await AuditStorage.SealedThroughAsync(connection, schema, ct);
        var rows = (await AuditStorage.RowsAsync(connection, schema, "stream_id = any(@ids)", Bind, ct)).ToLookup(r => r.StreamId);
        var seals = (await AuditStorage.SealsAsync(connection, schema, "stream_id = any(@ids)", Bind, ct)).ToLookup(s => s.StreamId);
        var keys = await AuditStorage.KeysAsync(connection, schema, streamIds, create: false, ct);
        await snapshot.CommitAsync(ct);
        return streamIds.Where(id => rows[id].Any() || seals[id].Any())
            .ToDictionary(id => id, id => AuditVerification.Verify(rows[id].ToList(), seals[id].ToList(), sealedThrough, keys.GetValueOrDefault(id)));
    }

    public static async Task<NpgsqlConnection> OpenAsync(IMartenDatabase database, CancellationToken ct)
    {
        var connection = database.CreateConnection();
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>Whether the database knows the stream at all: in its streams table, its events or its seals.</summary>
    public async Task<bool> HoldsAsync(NpgsqlConnection connection, string streamId, CancellationToken ct)
    {
        var schema = AuditStorage.SchemaOf(store);
        await using var command = new NpgsqlCommand(
            $"select exists (select 1 from {schema}.mt_streams where id = @id) or exists (select 1 from {schema}.mt_events where stream_id = @id) " +
            $"or exists (select 1 from {schema}.{AuditStorage.TableName} where stream_id = @id)", connection);
        command.Parameters.AddWithValue("id", streamId);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Every stream the events table or the seals know of: a customer whose stream row, or whole
    /// history, was deleted by hand still has its seals, and must be reported, not skipped.
    /// </summary>
    public async Task<List<string>> StreamIdsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var schema = AuditStorage.SchemaOf(store);
        await using var command = connection.CreateCommand();
        command.CommandText = $"select id from {schema}.mt_streams union select stream_id from {schema}.mt_events " +
                              $"union select stream_id from {schema}.{AuditStorage.TableName} order by 1";
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetString(0));
        return ids;
    }
}
