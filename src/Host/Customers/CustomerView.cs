using EventCrm.Projections.Customers;
using EventCrm.Relationship;
using EventCrm.Relationship.Lifecycle;

namespace EventCrm.Host.Customers;

public sealed record CustomerView(
    string CustomerId, string? Name, string? Email, string? Segment, string? Channel, [property: Words(typeof(CustomerStates))] string State, bool SignedUp,
    int TouchpointCount, DateTimeOffset FirstOccurredAt, DateTimeOffset LastOccurredAt, DateTimeOffset LastRecordedAt, long Version)
{
    public static CustomerView Of(CustomerProfile p) => new(p.Id, p.Name, p.Email, p.Segment, p.Channel, p.State,
        p.HasSignedUp, p.TouchpointCount, p.FirstOccurredAt, p.LastOccurredAt, p.LastRecordedAt, p.Version);
}
