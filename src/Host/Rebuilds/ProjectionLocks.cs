using EventCrm.Host.Infrastructure.Leadership;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Storage;
using Npgsql;

namespace EventCrm.Host.Rebuilds;

/// <summary>
/// Whether some process holds an async projection's daemon lock in every database, read from
/// pg_locks: in HotCold mode a node runs a projection only while it holds that advisory lock,
/// and PostgreSQL frees it when the node's session ends. Works on a node that runs no daemon
/// itself (<c>Marten:Daemon=off</c>): it builds the same distribution as the nodes that do, to
/// learn the lock ids, and never takes a lock.
/// </summary>
public sealed class ProjectionLocks(IDocumentStore store, ILoggerFactory loggers) : IAsyncDisposable
{
    private readonly Lazy<IProjectionDistributor> _distribution = new(() => LeadershipCoordinator.Distribution((StoreOptions)store.Options, store, loggers));

    /// <summary>Null for an inline projection (it has no lock: it runs in every appending transaction).</summary>
    public async Task<bool?> HeldEverywhereAsync(ProjectionInfo projection, CancellationToken ct)
    {
        if (projection.IsInline) return null;
        var sets = (await _distribution.Value.BuildDistributionAsync()).Where(s => s.Names.Any(n => n.Name == projection.Name)).ToList();
        foreach (var set in sets)
            if (!await HeldAsync((IMartenDatabase)set.Database, set.LockId, ct)) return false;
        return sets.Count > 0;
    }

    /// <summary>A lock taken as pg_try_advisory_lock(bigint) is listed as classid (high half), objid (low half), objsubid 1; never tried, so no start is disturbed.</summary>
    private static async Task<bool> HeldAsync(IMartenDatabase database, int lockId, CancellationToken ct)
    {
        await using var connection = database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select exists (select 1 from pg_locks where locktype = 'advisory' and granted and objsubid = 1 " +
            "and classid::bigint = ((@id >> 32) & 4294967295) and objid::bigint = (@id & 4294967295) " +
            "and database = (select oid from pg_database where datname = current_database()))", connection);
        command.Parameters.AddWithValue("id", (long)lockId);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_distribution.IsValueCreated) await _distribution.Value.DisposeAsync();
    }
}
