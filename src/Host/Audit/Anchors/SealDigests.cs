using System.Data;
using EventCrm.Host.Sharding;
using EventCrm.Projections.Audit;
using Marten;
using Npgsql;

namespace EventCrm.Host.Audit.Anchors;

/// <summary>Takes anchors of the seals and checks the seals against them (<see cref="AuditAnchor"/>).</summary>
public sealed class SealDigests(IDocumentStore store, CustomerDatabases databases, TimeProvider clock)
{
    public IReadOnlyList<string> DatabaseNames => databases.Names;

    /// <summary>In each database, the digest of its seals up to where the sealer has gone.</summary>
    public async Task<AuditAnchor> TakeAsync(CancellationToken ct)
    {
        var anchors = new List<DatabaseAnchor>();
        foreach (var name in DatabaseNames)
        {
            await using var connection = await OpenAsync(name, ct);
            await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            var sealedThrough = await AuditStorage.SealedThroughAsync(connection, Schema, ct);
            var (seals, digest) = await DigestThroughAsync(connection, sealedThrough, ct);
            anchors.Add(new DatabaseAnchor(name, sealedThrough, seals, digest));
        }
        return new AuditAnchor(clock.GetUtcNow(), anchors);
    }

    /// <summary>Why the anchor cannot be from this event log, when it names a database the log does not have.</summary>
    public string? Unknown(AuditAnchor anchor)
    {
        var unknown = anchor.Databases.Select(d => d.Database).Except(DatabaseNames).ToList();
        return unknown.Count == 0 ? null
            : $"This event log has no database {string.Join(", ", unknown.Select(d => $"'{d}'"))}: its databases are {string.Join(", ", DatabaseNames)}. " +
              "The anchor was taken from another deployment.";
    }

    /// <summary>
    /// Each database of the anchor this log does not have, keyed by where the anchor names it
    /// (<c>databases[1].database</c>), as a 400 keys what is malformed there; empty when it has them all.
    /// </summary>
    public Dictionary<string, string[]> UnknownByKey(AuditAnchor anchor) => anchor.Databases
        .Select((d, i) => (Key: $"databases[{i}].database", d.Database))
        .Where(d => !DatabaseNames.Contains(d.Database))
        .ToDictionary(d => d.Key, d => new[] { $"'{d.Database}' is not a database of this event log; its databases are {string.Join(", ", DatabaseNames)}" });

    /// <summary>Each database of the anchor, its seals up to the anchor's sequence as they are now against the anchor's digest.</summary>
    public async Task<AnchorCheck> VerifyAsync(AuditAnchor anchor, CancellationToken ct)
    {
        var checks = new List<DatabaseAnchorCheck>();
        foreach (var expected in anchor.Databases)
        {
            await using var connection = await OpenAsync(expected.Database, ct);
            await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            var sealedThrough = await AuditStorage.SealedThroughAsync(connection, Schema, ct);
            var (seals, digest) = await DigestThroughAsync(connection, expected.Sequence, ct);
            checks.Add(DatabaseAnchorCheck.Of(expected, seals, digest, sealedThrough));
        }
        return AnchorCheck.Of(checks);
    }

    private string Schema => AuditStorage.SchemaOf(store);

    private async Task<(long Seals, string Digest)> DigestThroughAsync(NpgsqlConnection connection, long sequence, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"select seq_id, stream_id, version, hash, personal_hashes::text from {Schema}.{AuditStorage.TableName} where seq_id <= @through order by seq_id";
        command.Parameters.AddWithValue("through", sequence);
        using var lines = new SealLines();
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
            lines.Add(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4));
        return (lines.Count, lines.Digest());
    }

    private async Task<NpgsqlConnection> OpenAsync(string name, CancellationToken ct) => await StreamAudit.OpenAsync(await databases.DatabaseIn(name), ct);
}
