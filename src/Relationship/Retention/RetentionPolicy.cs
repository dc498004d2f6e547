namespace EventCrm.Relationship.Retention;

/// <summary>
/// A retention tier (silver, gold ...): from which current value, and what share of the offer cap it earns. Not the value
/// tier (low, medium, high), a rank among all clients.
/// </summary>
public sealed record RetentionTier(string Name, decimal From, decimal Share);

/// <summary>
/// How much effort a cancellation deserves (seed 000: Alpha is kept, Beta is let go). No offer
/// below <see cref="MinimumCurrentValue"/>; above it, an offer costing at most
/// <see cref="OfferCapShare"/> of the expected remaining margin, times the tier's share. The cap holds for the offers
/// accepted within <see cref="CapWindow"/> together, not for each alone: a client retained who asks again is offered at
/// most what is left of it.
/// </summary>
public sealed record RetentionPolicy(decimal MinimumCurrentValue, decimal OfferCapShare, TimeSpan OfferLifetime, IReadOnlyList<RetentionTier> Tiers,
    TimeSpan CapWindow)
{
    public static readonly RetentionPolicy Default = new(1_000m, 0.2m, TimeSpan.FromDays(7),
    [
        new("platinum", 20_000m, 1.0m),
        new("gold", 5_000m, 0.6m),
        new("silver", 1_000m, 0.3m),
    ], TimeSpan.FromDays(365));
}
