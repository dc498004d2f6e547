using EventCrm.Host.Customers;
using EventCrm.Host.Formulas;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Models;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using JasperFx.Events;
using Marten;

namespace EventCrm.Host.Values;

/// <summary>The parsed and resolved parameters of a value read: which formula, as of which business and knowledge times.</summary>
public sealed record ValueQuery(FormulaChoice Formula, DateTimeOffset AsOf, DateTimeOffset? KnownAt, KnownModel Model)
{
    /// <summary>
    /// Reads <c>formula</c> (name@version, or a name for its latest version; default: the one in
    /// force at knownAt), <c>asOf</c> (a date means the end of that day, UTC) and <c>knownAt</c>.
    /// </summary>
    public static async Task<(ValueQuery? Query, IResult? Problem)> ResolveAsync(string? formula, string? asOf, string? knownAt,
        FormulaRegistryStore formulas, PortfolioModels models, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        DateTimeOffset? known = null;
        if (knownAt is not null)
        {
            // A day to come is refused like an asOf: read as now, it would label today's figures with a date not reached yet.
            if (Moments.PastRefusal("knownAt", knownAt, now, out var k) is { } refused) return (null, refused);
            known = k;
        }
        var businessTime = now;
        if (asOf is not null && Moments.PastRefusal("asOf", asOf, now, out businessTime) is { } badAsOf) return (null, badAsOf);

        if (formula is not null && FormulaRegistry.Malformed(formula) is { } malformed) return (null, Problems.Invalid("formula", malformed));
        var registry = await formulas.LoadAsync(ct);
        var chosen = formula is null ? registry.InForceAt(known).Formula : registry.Resolve(formula);
        if (chosen is null)
            return (null, Problems.NotFound($"No formula '{formula}' is registered; see GET /api/formulas (version 0 is each formula's built-in default)."));

        return (new ValueQuery(chosen, businessTime, known, await models.KnownAtAsync(known, ct)), null);
    }

    /// <summary>
    /// The customer's touchpoints known at knownAt (all when null), as recorded, in recording order;
    /// or a 404 saying whether the customer is unknown or was only not known yet at knownAt.
    /// </summary>
    public static async Task<(IReadOnlyList<RecordedTouchpoint> Touchpoints, IResult? Problem)> TouchpointsAsync(
        IQuerySession session, string customerId, DateTimeOffset? knownAt, CancellationToken ct)
    {
        var (_, touchpoints) = await CustomerStream.ReadAsync(session, customerId, withProfile: false, ct);
        if (touchpoints.Count == 0) return ([], GetCustomerEndpoint.UnknownCustomer(customerId));
        if (knownAt is null) return (touchpoints, null);
        var known = touchpoints.Where(t => t.RecordedAt <= knownAt).ToList();
        return known.Count > 0
            ? (known, null)
            : ([], Problems.NotFound($"Customer '{customerId}' was not known at knownAt {knownAt.Value:O}: " +
                                     $"its first touchpoint was recorded at {touchpoints.Min(t => t.RecordedAt):O}."));
    }
}
