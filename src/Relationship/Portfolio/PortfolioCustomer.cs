using EventCrm.Relationship.Lifecycle;

namespace EventCrm.Relationship.Portfolio;

// What the portfolio analytics need to know about one customer, already folded from its events
// by the caller: the domain reads no store, so the same figures can be recomputed for any
// as-of date by passing the customers as they stood then.

public sealed record PortfolioCustomer(
    string CustomerId, string? Name, string? Email, string? Segment, string? Channel,
    DateTimeOffset? LeadAt, DateTimeOffset? SignedUpAt,
    IReadOnlyList<StateChange> StateChanges,      // in business-time order
    decimal Revenue, decimal Profit, decimal CurrentValue, decimal PotentialValue,
    IReadOnlyList<string> DataErrors);            // reasons this customer's record is inconsistent (empty when fine)
