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

    /// <summary>
    /// Held, exclusively, by a rebuild from before it takes its claim until its record says it began (<see cref="RebuildClaim.BegunAsync"/>):
    /// a status that finds the claim held and the record ended cannot tell a rebuild that begins from one that ends, and
    /// waits on this key for the one that begins to record itself (<see cref="WaitWhileBeginningAsync"/>).
    /// </summary>
    private long BeginningKeyOf(string projection) => KeyOf(store.Options.DatabaseSchemaName, $"{projection}#beginning");

    /// <summary>How long a status waits for a rebuild beginning to record itself; past that it shows the record as it is.</summary>
    public static readonly TimeSpan BeginningWait = TimeSpan.FromSeconds(10);

    /// <summary>Claims the rebuild for this process, on a connection of its own held until the claim is disposed; null when another process holds it.</summary>
    public async Task<RebuildClaim?> TryClaimAsync(string projection, CancellationToken ct)
    {
        var connection = store.Storage.Database.CreateConnection();
        try
        {
            await connection.OpenAsync(ct);
            // Another rebuild beginning holds it a moment (its record written): waited for, then the claim is tried.
            await using (var beginning = new NpgsqlCommand("select pg_advisory_lock(@beginning)", connection))
            {
                beginning.Parameters.AddWithValue("beginning", BeginningKeyOf(projection));
                await beginning.ExecuteNonQueryAsync(ct);
            }
            var held = new RebuildClaim(connection, KeyOf(projection), BeginningKeyOf(projection));
            await using var claim = new NpgsqlCommand("select pg_try_advisory_lock(@key)", connection);
            claim.Parameters.AddWithValue("key", KeyOf(projection));
            if ((bool)(await claim.ExecuteScalarAsync(ct))!) return held;
            await held.BegunAsync();
        }
        catch
        {
            // Its session's locks go with the connection.
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    /// <summary>
    /// Waits until no rebuild of the projection is beginning (claimed, its record not written yet), for at most
    /// <see cref="BeginningWait"/>: true once none is, false when one still was at the end of the wait.
    /// </summary>
    public async Task<bool> WaitWhileBeginningAsync(string projection, CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var wait = new NpgsqlCommand(
            $"set local lock_timeout = '{(int)BeginningWait.TotalMilliseconds}ms'; select pg_advisory_xact_lock_shared(@beginning)", connection, transaction);
        wait.Parameters.AddWithValue("beginning", BeginningKeyOf(projection));
        try
        {
            await wait.ExecuteNonQueryAsync(ct);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            return false;
        }
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

}

/// <summary>A rebuild's claim (<see cref="RebuildClaims"/>), held until disposed.</summary>
public sealed class RebuildClaim(NpgsqlConnection connection, long key, long beginningKey) : IAsyncDisposable
{
    private bool _begun;

    /// <summary>The rebuild's record says it began: a status need no longer wait for it.</summary>
    public async Task BegunAsync()
    {
        if (_begun) return;
        await using var release = new NpgsqlCommand("select pg_advisory_unlock(@beginning)", connection);
        release.Parameters.AddWithValue("beginning", beginningKey);
        await release.ExecuteScalarAsync();
        _begun = true;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await BegunAsync();
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
