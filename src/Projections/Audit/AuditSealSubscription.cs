using System.Text.Json;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using NpgsqlTypes;

namespace EventCrm.Projections.Audit;

/// <summary>
/// Seals every event into the hash chain of its stream, in event order, after it is committed.
/// The async daemon runs it on one node at a time and records its progress in the same
/// transaction as the seals, so each event is sealed exactly once.
/// </summary>
public sealed class AuditSealSubscription : SubscriptionBase
{
    public AuditSealSubscription()
    {
        Name = "audit-seals";
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller,
        IDocumentOperations operations, CancellationToken ct)
    {
        if (page.Events.Count == 0) return NullChangeListener.Instance;
        var store = operations.DocumentStore;
        var schema = AuditStorage.SchemaOf(store);
        var (from, to) = (page.Events.Min(e => e.Sequence), page.Events.Max(e => e.Sequence));

        await using var connection = operations.Database.CreateConnection();
        await connection.OpenAsync(ct);
        var rows = await AuditStorage.RowsAsync(connection, schema, "seq_id between @from and @to", c =>
        {
            c.Parameters.AddWithValue("from", from);
            c.Parameters.AddWithValue("to", to);
        }, ct);
        var streams = rows.Select(r => r.StreamId).Distinct().ToArray();
        var previous = await LastHashes(connection, schema, streams, from, ct);

        var (hashes, personalHashes) = (new string[rows.Count], new string[rows.Count]);
        for (var i = 0; i < rows.Count; i++)
        {
            var personal = AuditChain.PersonalHashesOf(rows[i].Data);
            hashes[i] = AuditChain.Hash(rows[i], previous.GetValueOrDefault(rows[i].StreamId, AuditChain.Genesis), personal);
            previous[rows[i].StreamId] = hashes[i];
            personalHashes[i] = JsonSerializer.Serialize(personal);
        }
        operations.QueueSqlCommand(
            $"insert into {schema}.{AuditStorage.TableName} (seq_id, stream_id, version, hash, personal_hashes) " +
            "select * from unnest(?::bigint[], ?::varchar[], ?::bigint[], ?::varchar[], ?::jsonb[]) on conflict do nothing",
            rows.Select(r => r.Sequence).ToArray(), rows.Select(r => r.StreamId).ToArray(), rows.Select(r => r.Version).ToArray(), hashes, personalHashes);
        return NullChangeListener.Instance;
    }

    private static async Task<Dictionary<string, string>> LastHashes(Npgsql.NpgsqlConnection connection, string schema, string[] streams, long before, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        // One index probe per stream (its latest seal), not a read of all its seals.
        command.CommandText = $"select s.id, a.hash from unnest(@streams) s(id) cross join lateral (select hash from {schema}.{AuditStorage.TableName} " +
                              "where stream_id = s.id and seq_id < @before order by version desc limit 1) a";
        command.Parameters.AddWithValue("streams", NpgsqlDbType.Array | NpgsqlDbType.Text, streams);
        command.Parameters.AddWithValue("before", before);
        var hashes = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) hashes[reader.GetString(0)] = reader.GetString(1);
        return hashes;
    }
}
