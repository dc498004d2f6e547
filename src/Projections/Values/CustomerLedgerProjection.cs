using EventCrm.Projections.Documents;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;

namespace EventCrm.Projections.Values;

/// <summary>
/// Each customer's ledger (historical value and everything value formulas measure), kept by the
/// async daemon for the portfolio analytics. It holds no formula result: formulas and the
/// portfolio model change without any customer event, so current and potential values are
/// computed from the ledger when read.
/// Per page of events, it loads the ledgers of the customers in the page in one query, records
/// each touchpoint in its customer's ledger in log order, and writes the changed ledgers in one
/// statement (Marten's single-stream aggregation writes one statement per ledger). A ledger's
/// version is its stream's version at the last touchpoint it holds, as Marten's would be.
/// </summary>
public sealed class CustomerLedgerProjection : ProjectionBase, IProjection
{
    public const string ProjectionName = "CustomerLedger";

    public CustomerLedgerProjection()
    {
        Name = ProjectionName;
        foreach (var type in TouchpointTypes.ByName.Values) IncludeType(type);
        RegisterPublishedType(typeof(CustomerLedger));
        Options.DeleteViewTypeOnTeardown<CustomerLedger>();
    }

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var touchpoints = events.Where(e => e.Data is ITouchpoint && e.StreamKey is not null).ToList();
        if (touchpoints.Count == 0) return;

        var customerIds = touchpoints.Select(e => e.StreamKey!).Distinct().ToArray();
        var ledgers = (await operations.LoadManyAsync<CustomerLedger>(cancellation, customerIds)).ToDictionary(l => l.CustomerId);
        var versions = new Dictionary<string, long>();
        foreach (var e in touchpoints)
        {
            var customerId = e.StreamKey!;
            ledgers[customerId] = (ledgers.GetValueOrDefault(customerId) ?? CustomerLedger.Empty(customerId)).Record((ITouchpoint)e.Data);
            versions[customerId] = e.Version;
        }
        var changed = customerIds.Select(id => ledgers[id]).ToList();
        DocumentRows.QueueUpsert(operations, changed, l => l.CustomerId, l => versions[l.CustomerId]);
    }
}
