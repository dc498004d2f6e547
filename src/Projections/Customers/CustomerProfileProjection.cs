using EventCrm.Relationship.Privacy;
using EventCrm.Relationship.Touchpoints;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace EventCrm.Projections.Customers;

public partial class CustomerProfileProjection : SingleStreamProjection<CustomerProfile, string>
{
    public override CustomerProfile? Evolve(CustomerProfile? snapshot, string id, IEvent e) => e.Data switch
    {
        ITouchpoint touchpoint => (snapshot ?? CustomerProfile.StartFor(id)).Record(touchpoint, e.Version, e.Timestamp),
        PersonalDataErased erased => snapshot?.Erase(erased),
        _ => snapshot,
    };
}
