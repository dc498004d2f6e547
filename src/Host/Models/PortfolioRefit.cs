using EventCrm.Host.Sharding;
using EventCrm.Host.Formulas;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Touchpoints;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using JasperFx.Events;
using Marten;

namespace EventCrm.Host.Models;

/// <summary>
/// Refits the portfolio model from the event log itself (not from projections that may lag),
/// streaming it customer by customer, and records the fit as an event.
/// </summary>
public sealed class PortfolioRefit(IDocumentStore store, CustomerDatabases databases, FormulaRegistryStore formulas, PortfolioModels models, TimeProvider clock)
{
    /// <param name="context">Who asked for the fit: the event names it, as every event does.</param>
    public async Task<PortfolioModelFitted> RunAsync(DateTimeOffset? asOf, AppendContext context, CancellationToken ct)
    {
        var at = asOf ?? clock.GetUtcNow();
        var (ledgers, firstPurchase) = await LedgersAsOf(at, ct);
        // Fitted on no purchase, the model would be put in force all the same: bgnbd-gg could value nobody, and every
        // benchmark and tier threshold would be gone.
        if (!ledgers.Any(l => l.PurchaseCount() > 0)) throw new RefitOnNoPurchaseException(at, ledgers.Count, firstPurchase);
        var benchmark = (await formulas.LoadAsync(ct)).InForceAt(null).Formula;
        var fit = PortfolioModelFit.Fit(ledgers, at, benchmark);

        var fitted = new PortfolioModelFitted(at, benchmark.ToString(), fit.Model, fit.Customers, fit.Churns, fit.CustomerYears,
            fit.PurchaseFit?.LogLikelihood, fit.SpendFit?.LogLikelihood, fit.SpendFit?.Customers);
        await using var session = store.LightweightSession();
        context.Stamp(session);
        session.Events.Append(SystemStreams.PortfolioModel, fitted);
        await session.SaveChangesAsync(ct);
        models.Forget();
        return fitted;
    }

    /// <summary>Every customer's ledger as of <paramref name="asOf"/>, and when the first purchase recorded occurred, whenever that is.</summary>
    private async Task<(List<FoldedLedger> Ledgers, DateTimeOffset? FirstPurchase)> LedgersAsOf(DateTimeOffset asOf, CancellationToken ct)
    {
        var ledgers = new Dictionary<string, FoldedLedger>();
        DateTimeOffset? firstPurchase = null;
        // Customers never span databases: folding one database after the other keeps each stream in order.
        foreach (var tenant in databases.TenantIds)
        {
            await using var session = databases.QueryIn(tenant);
            var events = session.Events.QueryAllRawEvents().OrderBy(e => e.Sequence).ToAsyncEnumerable(ct);
            await foreach (var e in events)
            {
                if (e.Data is PurchaseMade purchase && !(purchase.OccurredAt >= firstPurchase)) firstPurchase = purchase.OccurredAt;
                if (e.Data is not ITouchpoint touchpoint || touchpoint.OccurredAt > asOf || e.StreamKey is not { } id) continue;
                ledgers[id] = (ledgers.GetValueOrDefault(id) ?? FoldedLedger.Empty(id)).Record(touchpoint);
            }
        }
        // In id order: the fit's sums, hence its result to the last bit, must not depend on where customers are stored.
        return ([.. ledgers.Values.OrderBy(l => l.CustomerId, StringComparer.Ordinal)], firstPurchase);
    }
}
