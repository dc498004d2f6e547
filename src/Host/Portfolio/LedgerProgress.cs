using EventCrm.Host.Infrastructure;
using EventCrm.Host.Rebuilds;
using JasperFx.Events.Projections;
using Marten;
using Marten.Storage;

namespace EventCrm.Host.Portfolio;

/// <summary>
/// How far the ledgers a valuation read (the <c>CustomerLedger</c> documents the async daemon keeps) had folded the event
/// log when the valuation began, summed over the databases of customers. A valuation reads the ledgers there are: while the
/// daemon is still building them (the first start after a seed or a bulk import, a rebuild in place, a daemon far behind)
/// it values only the customers folded so far, and says so here rather than passing for the whole base.
/// </summary>
/// <param name="Position">The event the ledgers had folded up to (the daemon's progress, as <c>GET /api/projections/CustomerLedger</c> gives it).</param>
/// <param name="HighWaterMark">The last event committed to the log then (<see cref="LogHead"/>).</param>
/// <param name="EventsBehind">The events committed and not yet folded into the ledgers then: 0 when the valuation covers the whole log.</param>
/// <param name="CaughtUp">
/// Whether <paramref name="EventsBehind"/> was within <c>Portfolio:LedgerCaughtUpWithin</c> (what the daemon trails by
/// under steady writes): a valuation that was not is not stored for other nodes, and the node values again as soon as
/// the ledgers have caught up.
/// </param>
public sealed record LedgerProgress(long Position, long HighWaterMark, long EventsBehind, bool CaughtUp)
{
    public const string CaughtUpWithinKey = "Portfolio:LedgerCaughtUpWithin";
    // About half a second of the daemon's folding on the 2-core dev machine (215,000 events in some 150 s, about
    // 1,400 a second): what it trails by under steady writes, far below what a start after a seed or an import leaves.
    public const int DefaultCaughtUpWithin = 1_000;

    /// <summary>The setting, a whole number of zero or more (anything else stops the start, naming it).</summary>
    public static long CaughtUpWithinOf(IConfiguration configuration) => Settings.Count(configuration, CaughtUpWithinKey, DefaultCaughtUpWithin);

    /// <summary>The databases' progress together, caught up when their events behind together are within <paramref name="caughtUpWithin"/>.</summary>
    public static LedgerProgress Of(IReadOnlyList<(long Position, long HighWaterMark)> databases, long caughtUpWithin)
    {
        var behind = databases.Sum(d => Math.Max(d.HighWaterMark - d.Position, 0));
        return new LedgerProgress(databases.Sum(d => d.Position), databases.Sum(d => d.HighWaterMark), behind, behind <= caughtUpWithin);
    }
}

/// <summary>
/// Where the ledgers stand in one database: two small reads (the daemon's progress rows and the end of the events' primary
/// key), cheap enough to make at every valuation and every second while a node waits for the ledgers to catch up.
/// </summary>
public sealed class LedgerLag(ProjectionCatalog catalog, IDocumentStore store)
{
    // The live build's shards, whose documents the valuation reads: during a blue/green rebuild the new build's
    // ("CustomerLedger-next") are in other tables, and the live ones keep following the log meanwhile.
    private readonly IReadOnlyList<ShardName> _shards = catalog.All.Single(p => p.Documents.Contains(typeof(Relationship.Value.CustomerLedger))).Shards;

    public async Task<(long Position, long HighWaterMark)> InAsync(IMartenDatabase database, CancellationToken ct)
    {
        // The position first: the daemon moving between the two reads can only make the lag look larger, never hide it.
        var progress = await database.AllProjectionProgress(ct);
        var highWaterMark = await LogHead.HighWaterMarkAsync(database, store.Options.Events.DatabaseSchemaName, progress, ct);
        // A shard without a progress row has folded nothing (a rebuild in place removes it before it starts again).
        var position = _shards.Select(s => progress.FirstOrDefault(p => p.ShardName == s.Identity)?.Sequence ?? 0).DefaultIfEmpty(0).Min();
        return (position, highWaterMark);
    }
}
