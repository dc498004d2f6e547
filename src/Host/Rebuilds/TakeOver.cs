using System.Diagnostics;
using JasperFx.Events.Projections;
using Npgsql;

namespace EventCrm.Host.Rebuilds;

/// <summary>
/// The moment a side build replaces the live documents, in one transaction: the live shards'
/// progress is set to the side build's, the live tables move to "{schema}_retired_{name}" and the side
/// tables move into the live schema under the same names (indexes and constraints move with
/// them). Readers see the old tables or the new ones, never a mix: PostgreSQL resolves a table
/// name again after waiting for its lock. Marten's functions and queries name the tables by
/// schema and name, so they use the new tables from then on. The caller makes sure no agent
/// writes either build meanwhile.
/// </summary>
public static class TakeOver
{
    /// <summary>Setting: how long the swap keeps trying while reads hold the live tables (a TimeSpan, default 30 s).</summary>
    public const string TryForKey = "Rebuilds:SwapTriesFor";
    public static readonly TimeSpan DefaultTryFor = TimeSpan.FromSeconds(30);

    /// <summary><see cref="TryForKey"/>, checked at start (<see cref="Infrastructure.Settings.CheckAtStart"/>).</summary>
    public static TimeSpan TryForOf(IConfiguration configuration) => Infrastructure.Settings.Duration(configuration, TryForKey, DefaultTryFor);

    /// <summary>
    /// How long one try waits for the live tables. A read that comes while the swap waits queues
    /// behind its lock, so this is the longest any new read is held; then the try gives up its locks.
    /// </summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromMilliseconds(100);

    /// <summary>Between two tries reads run freely, and long reads in flight get the time to finish.</summary>
    public static readonly TimeSpan PauseBetweenTries = TimeSpan.FromMilliseconds(400);

    /// <summary>Swaps, trying again while reads in flight hold a live table, for at most <paramref name="tryFor"/>; past that the live build stays.</summary>
    public static async Task SwapAsync(SideBuild side, IReadOnlyDictionary<ShardName, long> positions, TimeSpan tryFor, CancellationToken ct)
    {
        await RebuildSql.ExecuteAsync(side.Database, $"create schema if not exists {side.RetiredSchema}; " +
            string.Concat(side.Tables.Select(t => $"drop table if exists {side.RetiredSchema}.{t}; ")), ct);

        var (clock, tries) = (Stopwatch.StartNew(), 0);
        while (true)
        {
            tries++;
            try
            {
                await TryAsync(side, positions, ct);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                if (clock.Elapsed + PauseBetweenTries >= tryFor)
                    throw new InvalidOperationException($"The new build could not take over: reads kept the live tables ({string.Join(", ", side.Tables)}) " +
                        $"for {clock.Elapsed.TotalSeconds:0.#} s ({tries} tries, {TryForKey} = {tryFor}). The live documents stay; request the rebuild " +
                        "again once the long reads are over.", e);
            }
            await Task.Delay(PauseBetweenTries, ct);
        }
    }

    private static async Task TryAsync(SideBuild side, IReadOnlyDictionary<ShardName, long> positions, CancellationToken ct)
    {
        var (live, next, retired) = (side.LiveSchema, side.SideSchema, side.RetiredSchema);
        await using var connection = side.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // The progress row first: a writer holding it (only a stray agent could) is waited for
        // before any table is locked, so reads are never blocked behind it.
        foreach (var (liveShard, sideShard) in side.Shards)
            await RebuildSql.SetProgressAsync(connection, live, liveShard.Identity, positions[sideShard], ct);
        await RebuildSql.ExecuteAsync(connection, $"set local lock_timeout = '{(int)LockWait.TotalMilliseconds}ms'; " + string.Concat(side.Tables.Select(t =>
            $"alter table {live}.{t} set schema {retired}; alter table {next}.{t} set schema {live}; ")), ct);
        await transaction.CommitAsync(ct);
    }
}
