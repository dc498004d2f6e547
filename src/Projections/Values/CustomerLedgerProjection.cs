using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace EventCrm.Projections.Values;

/// <summary>
/// Each customer's ledger (historical value and everything value formulas measure), kept by the
/// async daemon for the portfolio analytics. It holds no formula result: formulas and the
/// portfolio model change without any customer event, so current and potential values are
/// computed from the ledger when read.
/// </summary>
public partial class CustomerLedgerProjection : SingleStreamProjection<CustomerLedger, string>
{
    public override CustomerLedger? Evolve(CustomerLedger? snapshot, string id, IEvent e) =>
        e.Data is ITouchpoint touchpoint ? (snapshot ?? CustomerLedger.Empty(id)).Record(touchpoint) : snapshot;
}
