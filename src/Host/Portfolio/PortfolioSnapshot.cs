using EventCrm.Host.Formulas;
using EventCrm.Relationship.Portfolio;

namespace EventCrm.Host.Portfolio;

/// <summary>
/// One valuation of the whole base: every customer's figures at <paramref name="AsOf"/> (when it was made), the value
/// quadrants ranked once, and the analyses that take no parameter (pareto, data quality, the quadrants' totals) computed once,
/// with what each customer gives the KPIs of any period: in the background with the valuation (<see cref="Warm"/>), so that
/// no request pays a pass over the base for them.
/// </summary>
public sealed record PortfolioSnapshot(
    DateTimeOffset AsOf, FormulaView Formula, DateTimeOffset? ModelFittedAt, IReadOnlyList<PortfolioCustomer> Customers,
    RankedQuadrants Quadrants)
{
    // Built from this snapshot's customers only: a copy made with `with` would share them, so none is made (WithIdentities),
    // but for what reads no name nor email.
    private Lazy<ParetoAnalysis> _pareto = new(() => Relationship.Portfolio.Pareto.Of(Customers.Where(c => c.HasEverBeenCustomer())));
    private readonly Lazy<DataQualityReport> _dataQuality = new(() => Relationship.Portfolio.DataQuality.Of(Customers));
    // Each quadrant's count and totals, listing nobody: a pass over the base made once, not by every /segments?members=N.
    private Lazy<ValueQuadrantAnalysis> _quadrantTotals = new(() => ValueQuadrants.Summarise(Quadrants, 0));
    // What each customer gives the KPIs, gathered once: a period asked is then searches, not a pass over the base.
    // Not readonly: a renamed copy shares it (WithIdentities), names being no part of it.
    private Lazy<PortfolioKpiIndex> _kpis = new(() => PortfolioKpiIndex.Of(Customers));

    /// <summary>The segments answer: each quadrant's count and totals over all its customers, listing the first <paramref name="members"/> (all when null).</summary>
    public ValueQuadrantAnalysis Segments(int? members)
    {
        if (members is not { } listed) return ValueQuadrants.Summarise(Quadrants);
        var totals = _quadrantTotals.Value;
        return totals with
        {
            Quadrants = totals.Quadrants.Select(quadrant =>
            {
                var first = Quadrants.Members[quadrant.Name].Take(listed).ToList();
                return quadrant with { CustomerIds = first.Select(c => c.CustomerId).ToList(), Customers = first.Select(c => new QuadrantMember(c.CustomerId, c.Name)).ToList() };
            }).ToList(),
        };
    }

    /// <summary>Pareto counts every record that was ever a customer (prospects are not customers).</summary>
    public ParetoAnalysis Pareto => _pareto.Value;

    /// <summary>The KPIs of the period [<paramref name="from"/>, <paramref name="to"/>), the same as a pass over the customers gives.</summary>
    public PortfolioKpiReport Kpis(DateTimeOffset from, DateTimeOffset to) => _kpis.Value.For(from, to);

    /// <summary>Data quality counts every record, prospects included.</summary>
    public DataQualityReport DataQuality => _dataQuality.Value;

    /// <summary>The quadrants rank every customer (prospects are not customers).</summary>
    public static PortfolioSnapshot Of(DateTimeOffset asOf, FormulaView formula, DateTimeOffset? modelFittedAt, IReadOnlyList<PortfolioCustomer> customers,
        IReadOnlyList<long> erasureHorizons, PortfolioNotValued? notValued, LedgerProgress? ledgerProgress) =>
        new(asOf, formula, modelFittedAt, customers, ValueQuadrants.Rank(customers.Where(c => c.HasEverBeenCustomer())))
        {
            ErasureHorizons = erasureHorizons, NotValued = notValued, LedgerProgress = ledgerProgress,
        };

    /// <summary>Computes what the routes read that takes no parameter, so that the first request for it does not.</summary>
    public PortfolioSnapshot Warm()
    {
        _ = Pareto;
        _ = DataQuality;
        _ = _quadrantTotals.Value;
        _ = _kpis.Value;
        return this;
    }

    /// <summary>
    /// Per database (in <c>CustomerDatabases.TenantIds</c> order), the <see cref="Projections.Privacy.ErasureLog"/> horizon taken
    /// before the valuation read it: erasures from it on may not be in this valuation's names and emails.
    /// </summary>
    public IReadOnlyList<long> ErasureHorizons { get; init; } = [];

    /// <summary>The customers the valuation counted as 0 for want of a value; null for one stored by a node of before 2026-12-07 (afternoon).</summary>
    public PortfolioNotValued? NotValued { get; init; }

    /// <summary>
    /// How far the ledgers read had folded the log when the valuation began; null for one stored by a node of before
    /// 2026-12-07 (late evening), which did not note it.
    /// </summary>
    public LedgerProgress? LedgerProgress { get; init; }

    /// <summary>The customers erased since the horizons whose name and email this snapshot already has as their profile now says.</summary>
    public IReadOnlySet<string> Redacted { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// The same valuation with these customers' names and emails as their profiles now have them (an erasure's "[erased]"),
    /// noted as <see cref="Redacted"/>: nothing ranks by them, so every list keeps its order and only their entries are replaced.
    /// </summary>
    public PortfolioSnapshot WithIdentities(IReadOnlyDictionary<string, (string? Name, string? Email, string? Channel)> identities)
    {
        var redacted = new HashSet<string>(Redacted, StringComparer.Ordinal);
        redacted.UnionWith(identities.Keys);
        PortfolioCustomer Renamed(PortfolioCustomer c) => identities.TryGetValue(c.CustomerId, out var now) ? c with { Name = now.Name, Email = now.Email, Channel = now.Channel } : c;
        if (!Customers.Any(c => identities.ContainsKey(c.CustomerId))) return this with { Redacted = redacted };
        var quadrants = Quadrants with
        {
            Members = Quadrants.Members.ToDictionary(q => q.Key,
                q => q.Value.Any(c => identities.ContainsKey(c.CustomerId)) ? (IReadOnlyList<PortfolioCustomer>)q.Value.Select(Renamed).ToList() : q.Value),
        };
        // A new snapshot, not a `with` copy: its data quality (duplicates by email) must be computed from the renamed
        // customers. What reads no name nor email is shared: a redaction at a million customers costs a copy of the
        // lists and the data-quality pass, not the pareto, the quadrants' totals and the KPIs' index again.
        return new PortfolioSnapshot(AsOf, Formula, ModelFittedAt, Customers.Select(Renamed).ToList(), quadrants)
        {
            _kpis = _kpis, _pareto = _pareto, _quadrantTotals = _quadrantTotals, ErasureHorizons = ErasureHorizons, Redacted = redacted,
            NotValued = NotValued, LedgerProgress = LedgerProgress,
        };
    }
}
