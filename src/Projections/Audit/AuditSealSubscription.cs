using System.Text.Json;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using Npgsql;
using NpgsqlTypes;

namespace EventCrm.Projections.Audit;

/// <summary>
/// Seals every event into the hash chain of its stream, in event order, after it is committed.
/// The async daemon runs it on one node at a time and hands it ranges of the log in order. It
/// seals the stored text of each event, which it reads itself: the daemon is told to load none
/// (<see cref="NeverAppended"/>), so no event is deserialised for nothing. A range is sealed in
/// windows, each committed with its seals while the next one is read and hashed; a range handed
/// over again after a crash goes on after its last sealed event (and a seal already there is
/// kept: same text, same previous hash, same seal).
/// </summary>
public sealed class AuditSealSubscription : SubscriptionBase
{
    /// <summary>Sequence numbers sealed per window: the memory a range of any length needs.</summary>
    public const int Window = 2_000;

    public const string SubscriptionName = "audit-seals";
    /// <summary>Its row in the daemon's progress table: how far into the log every event is sealed.</summary>
    public const string ProgressName = SubscriptionName + ":All";

    public AuditSealSubscription()
    {
        Name = SubscriptionName;
        IncludeType<NeverAppended>();
    }

    /// <summary>The one event type the daemon loads for this subscription, which nothing appends: the seals read the log themselves.</summary>
    public sealed record NeverAppended;

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller,
        IDocumentOperations operations, CancellationToken ct)
    {
        var schema = AuditStorage.SchemaOf(operations.DocumentStore);
        await using var reading = operations.Database.CreateConnection();
        await using var writing = operations.Database.CreateConnection();
        await Task.WhenAll(reading.OpenAsync(ct), writing.OpenAsync(ct));

        // The last seal of every stream met in the range so far: the next window's chains go on
        // from it without waiting for the previous window's seals to be written.
        var lastSeals = new Dictionary<string, string>();
        var written = Task.CompletedTask;
        try
        {
            var resumeAfter = await SealedUpToAsync(reading, schema, page.SequenceFloor, page.SequenceCeiling, ct);
            for (var after = resumeAfter; after < page.SequenceCeiling; after += Window)
            {
                var seals = await SealAsync(reading, schema, after, Math.Min(after + Window, page.SequenceCeiling), lastSeals, ct);
                await written;
                written = WriteAsync(writing, schema, seals, ct);
            }
        }
        catch
        {
            await written.ContinueWith(_ => { }, CancellationToken.None);
            throw;
        }
        await written;
        return NullChangeListener.Instance;
    }

    /// <summary>
    /// Where sealing the range stopped last time, if an attempt was cut short (a crash, a lost
    /// connection) after some of its windows committed: windows commit in order, so the seals
    /// already in the range are a prefix of it, and sealing goes on after the last one.
    /// </summary>
    private static async Task<long> SealedUpToAsync(NpgsqlConnection connection, string schema, long floor, long ceiling, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"select max(seq_id) from {schema}.{AuditStorage.TableName} where seq_id > @floor and seq_id <= @ceiling";
        command.Parameters.AddWithValue("floor", floor);
        command.Parameters.AddWithValue("ceiling", ceiling);
        return await command.ExecuteScalarAsync(ct) is long sealedUpTo ? sealedUpTo : floor;
    }

    private sealed record Seals(long[] Sequences, string[] StreamIds, long[] Versions, string[] Hashes, string[] PersonalHashes);

    /// <summary>The seals of the events numbered after <paramref name="after"/> up to <paramref name="upTo"/>.</summary>
    private static async Task<Seals> SealAsync(NpgsqlConnection connection, string schema, long after, long upTo,
        Dictionary<string, string> lastSeals, CancellationToken ct)
    {
        var rows = await AuditStorage.RowsAsync(connection, schema, "seq_id > @after and seq_id <= @upTo", c =>
        {
            c.Parameters.AddWithValue("after", after);
            c.Parameters.AddWithValue("upTo", upTo);
        }, ct);
        var unmet = rows.Select(r => r.StreamId).Where(id => !lastSeals.ContainsKey(id)).Distinct().ToArray();
        if (unmet.Length > 0)
            foreach (var (streamId, hash) in await LastHashes(connection, schema, unmet, rows[0].Sequence, ct)) lastSeals[streamId] = hash;

        var keys = await AuditStorage.KeysAsync(connection, schema,
            rows.Where(AuditChain.HoldsPersonalValues).Select(r => r.StreamId).Distinct().ToArray(), create: true, ct);
        var (hashes, personalHashes) = (new string[rows.Count], new string[rows.Count]);
        for (var i = 0; i < rows.Count; i++)
        {
            var key = keys.GetValueOrDefault(rows[i].StreamId);
            var personal = key is null ? new Dictionary<string, string>() : AuditChain.PersonalHashesOf(rows[i], key);
            hashes[i] = AuditChain.Hash(rows[i], lastSeals.GetValueOrDefault(rows[i].StreamId, AuditChain.Genesis), personal, key, coversProvenance: true);
            lastSeals[rows[i].StreamId] = hashes[i];
            personalHashes[i] = JsonSerializer.Serialize(personal);
        }
        return new Seals(rows.Select(r => r.Sequence).ToArray(), rows.Select(r => r.StreamId).ToArray(), rows.Select(r => r.Version).ToArray(),
            hashes, personalHashes);
    }

    /// <summary>One window's seals, in a transaction of their own; seals already there (a range sealed again) are kept.</summary>
    private static async Task WriteAsync(NpgsqlConnection connection, string schema, Seals seals, CancellationToken ct)
    {
        if (seals.Sequences.Length == 0) return;
        await using var insert = connection.CreateCommand();
        insert.CommandText = $"insert into {schema}.{AuditStorage.TableName} (seq_id, stream_id, version, hash, personal_hashes, covers_provenance) " +
                             "select *, true from unnest(@seq, @stream, @version, @hash, @personal) on conflict do nothing";
        insert.Parameters.AddWithValue("seq", seals.Sequences);
        insert.Parameters.AddWithValue("stream", NpgsqlDbType.Array | NpgsqlDbType.Varchar, seals.StreamIds);
        insert.Parameters.AddWithValue("version", seals.Versions);
        insert.Parameters.AddWithValue("hash", NpgsqlDbType.Array | NpgsqlDbType.Varchar, seals.Hashes);
        insert.Parameters.AddWithValue("personal", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, seals.PersonalHashes);
        await insert.ExecuteNonQueryAsync(ct);
    }

    private static async Task<Dictionary<string, string>> LastHashes(NpgsqlConnection connection, string schema, string[] streams, long before, CancellationToken ct)
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
