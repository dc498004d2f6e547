using EventCrm.Host.Infrastructure;
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

    /// <summary>
    /// Who holds the projection's lock in each database (null where nobody does), as the holding
    /// session names itself (<see cref="NodeName"/>); null for an inline projection.
    /// </summary>
    /// <param name="outOfReach">
    /// The ids of databases known to be out of reach (with several, "db1"): not asked. Given, a database that does not
    /// answer within <see cref="Patience"/> is added to it and left out of the list, instead of failing the whole read.
    /// </param>
    public async Task<IReadOnlyList<string?>?> HoldersAsync(ProjectionInfo projection, CancellationToken ct, IDictionary<string, string>? outOfReach = null)
    {
        if (projection.IsInline) return null;
        var sets = (await _distribution.Value.BuildDistributionAsync()).Where(s => s.Names.Any(n => n.Name == projection.Name)).ToList();
        var holders = new List<string?>();
        foreach (var set in sets)
        {
            var database = (IMartenDatabase)set.Database;
#pragma warning disable CS0618 // Identifier: a tenant database's id is its tenant's ("db1")
            var id = database.Identifier;
#pragma warning restore CS0618
            if (outOfReach is null)
            {
                holders.Add(await HolderAsync(database, set.LockId, ct));
                continue;
            }
            if (outOfReach.ContainsKey(id)) continue;
            try
            {
                holders.Add(await Health.DatabasePing.Within(Patience, giveUp => HolderAsync(database, set.LockId, giveUp), ct));
            }
            catch (Exception e) when (Reliability.DatabaseFaults.IsOutage(e) && !ct.IsCancellationRequested)
            {
                outOfReach[id] = Reliability.DatabasesOutOfReach.WhyOf(e);
            }
        }
        return holders;
    }

    /// <summary>How long a status waits for one database's locks: far longer than they take, far shorter than a statement's timeout.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>The holders named once each, in database order: what the status and a 409 say; null when nobody holds it anywhere.</summary>
    public static string? Named(IReadOnlyList<string?>? holders) =>
        holders?.OfType<string>().Distinct().ToList() is { Count: > 0 } named ? string.Join(", ", named) : null;

    /// <summary>A lock taken as pg_try_advisory_lock(bigint) is listed as classid (high half), objid (low half), objsubid 1; never tried, so no start is disturbed.</summary>
    private static async Task<string?> HolderAsync(IMartenDatabase database, int lockId, CancellationToken ct)
    {
        await using var connection = database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select a.application_name, l.pid, a.client_addr::text from pg_locks l left join pg_stat_activity a on a.pid = l.pid " +
            "where l.locktype = 'advisory' and l.granted and l.objsubid = 1 " +
            "and l.classid::bigint = ((@id >> 32) & 4294967295) and l.objid::bigint = (@id & 4294967295) " +
            "and l.database = (select oid from pg_database where datname = current_database())", connection);
        command.Parameters.AddWithValue("id", (long)lockId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        if (!reader.IsDBNull(0) && reader.GetString(0) is { Length: > 0 } name) return name;
        // A node from before 2026-12-07 names none of its sessions: the session is what an operator can find it by.
        var client = reader.IsDBNull(2) ? "a local socket" : reader.GetString(2);
        return $"an unnamed session (PostgreSQL pid {reader.GetInt32(1)}, from {client}: a node of older code, or a tool)";
    }

    public async ValueTask DisposeAsync()
    {
        if (_distribution.IsValueCreated) await _distribution.Value.DisposeAsync();
    }
}
