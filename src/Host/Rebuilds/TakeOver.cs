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
    /// <summary>How long the swap may wait for reads in flight on the live tables before giving up (the live build then stays).</summary>
    private const string TableLockTimeout = "10s";

    public static async Task SwapAsync(SideBuild side, IReadOnlyDictionary<ShardName, long> positions, CancellationToken ct)
    {
        var (live, next, retired) = (side.LiveSchema, side.SideSchema, side.RetiredSchema);
        await RebuildSql.ExecuteAsync(side.Database, $"create schema if not exists {retired}; " +
            string.Concat(side.Tables.Select(t => $"drop table if exists {retired}.{t}; ")), ct);

        await using var connection = side.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // The progress row first: a writer holding it (only a stray agent could) is waited for
        // before any table is locked, so reads are never blocked behind it.
        foreach (var (liveShard, sideShard) in side.Shards)
            await RebuildSql.SetProgressAsync(connection, live, liveShard.Identity, positions[sideShard], ct);
        await RebuildSql.ExecuteAsync(connection, $"set local lock_timeout = '{TableLockTimeout}'; " + string.Concat(side.Tables.Select(t =>
            $"alter table {live}.{t} set schema {retired}; alter table {next}.{t} set schema {live}; ")), ct);
        await transaction.CommitAsync(ct);
    }
}
