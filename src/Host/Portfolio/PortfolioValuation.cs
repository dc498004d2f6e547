using EventCrm.Host.Formulas;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Models;
using EventCrm.Host.Sharding;
using EventCrm.Projections.Customers;
using EventCrm.Projections.Privacy;
using EventCrm.Relationship.Portfolio;
using EventCrm.Relationship.Value;
using Marten;

namespace EventCrm.Host.Portfolio;

/// <summary>How a valuation read the base: pages of ledgers (each with its customers' profiles) and the largest of them.</summary>
public sealed record ValuationReads(int Pages, int Ledgers, int LargestPage);

/// <summary>
/// Values every customer under the formula in force with the latest model, from the ledgers the async
/// daemon keeps, reading them a page at a time in id order (keyset, not offset) with the profiles of that
/// page only: what is kept is each customer's compact figures (<see cref="PortfolioCustomer"/>), never the
/// documents, so a million customers cost their figures and one page of documents, not every ledger at once.
/// Before reading, it notes how far those ledgers had folded the event log (<see cref="LedgerProgress"/>): while the
/// daemon builds them, the customers not folded yet are missing from the valuation, and its answers say so.
/// </summary>
public sealed class PortfolioValuation(CustomerDatabases databases, FormulaRegistryStore formulas, PortfolioModels models, LedgerLag lag, IConfiguration configuration)
{
    private readonly long _caughtUpWithin = LedgerProgress.CaughtUpWithinOf(configuration);

    public const string PageSizeKey = "Portfolio:ValuationPageSize";
    public const int DefaultPageSize = 1_000;

    public static int PageSizeOf(IConfiguration configuration)
    {
        var size = Settings.Count(configuration, PageSizeKey, DefaultPageSize);
        return size > 0 ? size : throw new SettingRefusedException($"{PageSizeKey} must be 1 or more (e.g. {DefaultPageSize}), not {size}.");
    }

    public async Task<(PortfolioSnapshot Snapshot, ValuationReads Reads)> RunAsync(DateTimeOffset now, int pageSize, CancellationToken ct)
    {
        var formula = (await formulas.LoadAsync(ct)).InForceAt(null).Formula;
        var model = await models.KnownAtAsync(null, ct);

        var parts = await databases.InEachAsync(session => ValueEachAsync(session, lag, pageSize, formula, model.Model, now, ct));
        // In id order (ordinal, whatever the database's collation), so that customers of equal value are listed alike
        // however many databases hold them.
        var customers = parts.SelectMany(p => p.Customers).OrderBy(c => c.CustomerId, StringComparer.Ordinal).ToList();
        var reads = new ValuationReads(parts.Sum(p => p.Reads.Pages), parts.Sum(p => p.Reads.Ledgers), parts.Max(p => p.Reads.LargestPage));
        return (PortfolioSnapshot.Of(now, FormulaView.Of(formula), model.FittedAt, customers, parts.Select(p => p.ErasureHorizon).ToList(),
            PortfolioNotValued.Of(parts.Select(p => p.NotValued)), LedgerProgress.Of(parts.Select(p => p.Ledger).ToList(), _caughtUpWithin)), reads);
    }

    /// <summary>Where the ledgers stand now in every database, against the same threshold as a valuation's: for a node waiting for them to catch up.</summary>
    public async Task<LedgerProgress> LedgerProgressAsync(CancellationToken ct)
    {
        var each = new List<(long Position, long HighWaterMark)>();
        foreach (var database in await databases.AllAsync()) each.Add(await lag.InAsync(database, ct));
        return LedgerProgress.Of(each, _caughtUpWithin);
    }

    private static async Task<(List<PortfolioCustomer> Customers, ValuationReads Reads, long ErasureHorizon, Dictionary<string, int> NotValued,
        (long Position, long HighWaterMark) Ledger)> ValueEachAsync(
        IQuerySession session, LedgerLag lag, int pageSize, FormulaChoice formula, PortfolioModel model, DateTimeOffset now, CancellationToken ct)
    {
        // Before the first page: the ledgers read can only have folded more than this, never less.
        var folded = await lag.InAsync(session.Database, ct);
        // Before the first page: an erasure this database may commit during the reads is told by ErasureLog from it on.
        long horizon;
        await using (var connection = session.Database.CreateConnection())
        {
            await connection.OpenAsync(ct);
            horizon = await ErasureLog.HorizonAsync(connection, ct);
        }
        var customers = new List<PortfolioCustomer>();
        var notValued = new Dictionary<string, int>(StringComparer.Ordinal);
        var (pages, largest) = (0, 0);
        string? after = null;
        while (true)
        {
            // Keyset on the primary key: each page is an index range, however deep into the base.
            var ledgers = after is null
                ? await session.QueryAsync<CustomerLedger>("where id is not null order by id limit ?", ct, pageSize)
                : await session.QueryAsync<CustomerLedger>("where id > ? order by id limit ?", ct, after, pageSize);
            if (ledgers.Count == 0) break;
            var profiles = (await session.LoadManyAsync<CustomerProfile>(ct, ledgers.Select(l => l.CustomerId)))
                .ToDictionary(p => p.Id);
            foreach (var ledger in ledgers)
            {
                var (customer, unvalued) = Describe(ledger, profiles.GetValueOrDefault(ledger.CustomerId), formula, model, now);
                customers.Add(customer);
                if (unvalued is not null) notValued[unvalued] = notValued.GetValueOrDefault(unvalued) + 1;
            }
            (pages, largest) = (pages + 1, Math.Max(largest, ledgers.Count + profiles.Count));
            after = ledgers[^1].CustomerId;
            if (ledgers.Count < pageSize) break;
        }
        return (customers, new ValuationReads(pages, customers.Count, largest), horizon, notValued, folded);
    }

    /// <returns>The customer's figures, and why it was counted as 0 if it could not be valued (a <see cref="PortfolioNotValued"/> reason).</returns>
    private static (PortfolioCustomer Customer, string? NotValued) Describe(
        CustomerLedger ledger, CustomerProfile? profile, FormulaChoice formula, PortfolioModel model, DateTimeOffset now)
    {
        var (current, potential, notValued) = ValueOf(ledger, formula, model, now);
        return (new PortfolioCustomer(ledger.CustomerId, profile?.Name, profile?.Email, ledger.Segment, profile?.Channel,
            ledger.LeadAt, ledger.SignedUpAt, ledger.StateChanges(), ledger.Historical.Revenue, ledger.Historical.Profit,
            current, potential, ledger.DataErrors()), notValued);
    }

    // A customer that no formula can value (a model not fitted yet, arithmetic beyond a decimal) counts as worth nothing
    // more rather than hiding the whole portfolio; so does one valued beyond what the portfolio's sums can add up
    // (PortfolioValueLimit: a version registered before parameters had bounds, 10^28 as a margin, failed every valuation).
    private static (decimal Current, decimal Potential, string? NotValued) ValueOf(CustomerLedger ledger, FormulaChoice formula, PortfolioModel model, DateTimeOffset now)
    {
        try
        {
            var valuation = CustomerValuation.Of(ledger, now, formula, model);
            var (current, potential) = (valuation.Current.Value, valuation.Potential.Total);
            return Math.Abs(current) < FormulaParameterBounds.PortfolioValueLimit && Math.Abs(potential) < FormulaParameterBounds.PortfolioValueLimit
                ? (current, potential, null)
                : (0, 0, PortfolioNotValued.BeyondPortfolioLimit);
        }
        catch (ModelNotFittedException)
        {
            return (0, 0, PortfolioNotValued.ModelNotFitted);
        }
        catch (Exception e) when (e is FormulaParameterException or ArithmeticException)
        {
            return (0, 0, PortfolioNotValued.NotComputable);
        }
    }
}
