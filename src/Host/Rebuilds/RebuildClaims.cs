using System.Security.Cryptography;
using System.Text;
using Marten;
using Npgsql;

namespace EventCrm.Host.Rebuilds;

/// <summary>
/// Who is rebuilding a projection right now, asked of PostgreSQL rather than of the rebuild's
/// record. A rebuild, from a service or from the <c>rebuild</c> command, holds a session-level
/// advisory lock in the home database from before its record says "rebuilding" until after it
/// says how it ended. PostgreSQL frees the lock the moment the process dies, so a second rebuild
/// is refused while the first lives (whichever process asks), and a record still "rebuilding"
/// whose lock nobody holds belongs to a process that has ended: the status says so at once,
/// instead of after the heartbeat's two minutes of silence.
/// </summary>
public sealed class RebuildClaims(IDocumentStore store)
{
    /// <summary>One lock per schema and projection: stores in other schemas of the same database are others'.</summary>
    public static long KeyOf(string schema, string projection) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"eventcrm:rebuild:{schema}:{projection.ToLowerInvariant()}")));

    private long KeyOf(string projection) => KeyOf(store.Options.DatabaseSchemaName, projection);

    /// <summary>Claims the rebuild for this process, on a connection of its own held until the claim is disposed; null when another process holds it.</summary>
    public async Task<IAsyncDisposable?> TryClaimAsync(string projection, CancellationToken ct)
    {
        var connection = store.Storage.Database.CreateConnection();
        try
        {
            await connection.OpenAsync(ct);
            await using var claim = new NpgsqlCommand("select pg_try_advisory_lock(@key)", connection);
            claim.Parameters.AddWithValue("key", KeyOf(projection));
            if ((bool)(await claim.ExecuteScalarAsync(ct))!) return new Claim(connection, KeyOf(projection));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    /// <summary>
    /// Whether some process holds the projection's rebuild claim. Read from pg_locks, never by
    /// trying the lock: a try, however short, could make a rebuild starting at that instant fail.
    /// A bigint advisory key is listed as classid (high half), objid (low half), objsubid 1.
    /// </summary>
    public async Task<bool> IsClaimedAsync(string projection, CancellationToken ct)
    {
        var key = KeyOf(projection);
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select exists (select 1 from pg_locks where locktype = 'advisory' and granted and objsubid = 1 " +
            "and database = (select oid from pg_database where datname = current_database()) and classid = @high::oid and objid = @low::oid)", connection);
        command.Parameters.AddWithValue("high", (long)(uint)(key >> 32));
        command.Parameters.AddWithValue("low", (long)(uint)key);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private sealed class Claim(NpgsqlConnection connection, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var release = new NpgsqlCommand("select pg_advisory_unlock(@key)", connection);
                release.Parameters.AddWithValue("key", key);
                await release.ExecuteScalarAsync();
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
