using EventCrm.Host.Sharding;
using EventCrm.Host.Formulas;
using EventCrm.Host.Models;
using EventCrm.Projections.Customers;
using EventCrm.Relationship.Portfolio;
using EventCrm.Relationship.Value;
using Marten;

namespace EventCrm.Host.Portfolio;

public sealed record PortfolioSnapshot(DateTimeOffset AsOf, FormulaView Formula, DateTimeOffset? ModelFittedAt, IReadOnlyList<PortfolioCustomer> Customers)
{
    // Ranked once per valuation, when first asked: paging through a quadrant then slices this list
    // instead of sorting the whole base again for every page (docs/value.md, section 13).
    private readonly Lazy<RankedQuadrants> _quadrants = new(() => ValueQuadrants.Rank(Customers.Where(c => c.HasEverBeenCustomer())));

    /// <summary>The value x potential quadrants of every customer (prospects are not customers), each ranked.</summary>
    public RankedQuadrants Quadrants => _quadrants.Value;
}

/// <summary>
/// Every customer valued under the formula in force with the latest model, from the ledgers the
/// async daemon keeps (so it may trail the last appends by the daemon's lag).
/// </summary>
public sealed class PortfolioBase(CustomerDatabases databases, FormulaRegistryStore formulas, PortfolioModels models, TimeProvider clock)
{
    /// <summary>Valuing the whole base takes a second or two: four pages asking at once share one valuation.</summary>
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    private (DateTimeOffset Until, Task<PortfolioSnapshot> Snapshot)? _cached;

    public Task<PortfolioSnapshot> LoadAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_cached is { } c && c.Until > now && !c.Snapshot.IsFaulted) return c.Snapshot;
        var snapshot = ComputeAsync(now, CancellationToken.None);
        _cached = (now + CacheFor, snapshot);
        return snapshot;
    }

    /// <summary>
    /// Drops the shared valuation: it holds every customer's name and email (the data-quality
    /// answer's duplicate keys), so an erasure must not leave them served from it (docs/privacy.md).
    /// </summary>
    public void Forget() => _cached = null;

    private async Task<PortfolioSnapshot> ComputeAsync(DateTimeOffset now, CancellationToken ct)
    {
        var formula = (await formulas.LoadAsync(ct)).InForceAt(null).Formula;
        var model = await models.KnownAtAsync(null, ct);

        var parts = await databases.InEachAsync(async session =>
            (Profiles: await session.Query<CustomerProfile>().ToListAsync(ct), Ledgers: await session.Query<CustomerLedger>().ToListAsync(ct)));
        var profiles = parts.SelectMany(p => p.Profiles).ToDictionary(p => p.Id);
        // In id order, so that customers of equal value are listed alike however many databases hold them.
        var ledgers = parts.SelectMany(p => p.Ledgers).OrderBy(l => l.CustomerId, StringComparer.Ordinal);
        var customers = ledgers.Select(ledger => Describe(ledger, profiles.GetValueOrDefault(ledger.CustomerId), formula, model.Model, now)).ToList();
        return new PortfolioSnapshot(now, FormulaView.Of(formula), model.FittedAt, customers);
    }

    private static PortfolioCustomer Describe(CustomerLedger ledger, CustomerProfile? profile, FormulaChoice formula, PortfolioModel model, DateTimeOffset now)
    {
        var (current, potential) = ValueOf(ledger, formula, model, now);
        return new PortfolioCustomer(ledger.CustomerId, profile?.Name, profile?.Email, ledger.Segment, profile?.Channel,
            ledger.LeadAt, ledger.SignedUpAt, ledger.StateChanges(), ledger.Historical.Revenue, ledger.Historical.Profit,
            current, potential, ledger.DataErrors());
    }

    // A customer that no formula can value (a model not fitted yet) counts as worth nothing more
    // rather than hiding the whole portfolio.
    private static (decimal Current, decimal Potential) ValueOf(CustomerLedger ledger, FormulaChoice formula, PortfolioModel model, DateTimeOffset now)
    {
        try
        {
            var valuation = CustomerValuation.Of(ledger, now, formula, model);
            return (valuation.Current.Value, valuation.Potential.Total);
        }
        catch (Exception e) when (e is ModelNotFittedException or FormulaParameterException)
        {
            return (0, 0);
        }
    }
}
