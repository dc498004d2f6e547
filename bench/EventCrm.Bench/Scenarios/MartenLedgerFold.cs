using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace EventCrm.Bench.Scenarios;

/// <summary>
/// The customer ledger folded the way Marten's documentation writes a single-stream aggregation:
/// the same fold as the Host's CustomerLedgerProjection, stored by Marten one document at a time.
/// `marten-rebuild` rebuilds it, so that the baseline stays Marten's own projection machinery
/// whatever this project does to speed up its own projection.
/// </summary>
public partial class MartenLedgerFold : SingleStreamProjection<CustomerLedger, string>
{
    public const string ProjectionName = "MartenCustomerLedger";

    public MartenLedgerFold() => Name = ProjectionName;

    public override CustomerLedger? Evolve(CustomerLedger? snapshot, string id, IEvent e) =>
        e.Data is ITouchpoint touchpoint ? (snapshot ?? CustomerLedger.Empty(id)).Record(touchpoint) : snapshot;
}
