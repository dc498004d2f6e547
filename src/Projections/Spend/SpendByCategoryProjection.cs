using EventCrm.Relationship.Touchpoints;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;

namespace EventCrm.Projections.Spend;

/// <summary>
/// Spend by segment and category for the data team. A multi-stream aggregation cannot key a
/// purchase by segment on its own: the segment is in the signed-up event of the same stream,
/// possibly recorded after the purchase. So this projection keeps per-customer state
/// (<see cref="CustomerSpend"/>) beside the cells and, per page of events, loads both in two
/// queries, folds the page in order (<see cref="SpendBook"/>) and stores what changed. The daemon
/// hands pages over one at a time, each committed before the next is loaded.
/// </summary>
public sealed class SpendByCategoryProjection : ProjectionBase, IProjection
{
    public const string ProjectionName = "SpendByCategory";

    public SpendByCategoryProjection()
    {
        Name = ProjectionName;
        IncludeType<SignedUp>();
        IncludeType<PurchaseMade>();
        RegisterPublishedType(typeof(SpendCell));
        RegisterPublishedType(typeof(CustomerSpend));
        Options.DeleteViewTypeOnTeardown<SpendCell>();
        Options.DeleteViewTypeOnTeardown<CustomerSpend>();
    }

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var touchpoints = events.Where(e => e.Data is SignedUp or PurchaseMade && e.StreamKey is not null).ToList();
        if (touchpoints.Count == 0) return;

        var customerIds = touchpoints.Select(e => e.StreamKey!).Distinct().ToArray();
        var book = new SpendBook(await operations.LoadManyAsync<CustomerSpend>(cancellation, customerIds));
        foreach (var e in touchpoints) book.Record(e.StreamKey!, (ITouchpoint)e.Data);

        var cells = (await operations.LoadManyAsync<SpendCell>(cancellation, book.CellChanges.Keys.ToArray())).ToDictionary(c => c.Id);
        foreach (var (key, change) in book.CellChanges)
        {
            var cell = (cells.GetValueOrDefault(key) ?? SpendCell.Empty(change.Segment, change.Category)).Plus(change);
            if (cell.IsEmpty) operations.Delete<SpendCell>(key);
            else operations.Store(cell);
        }
        CustomerSpendRows.QueueUpsert(operations, book.ChangedCustomers.ToList());
    }
}
