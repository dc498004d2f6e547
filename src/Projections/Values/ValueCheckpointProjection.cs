using EventCrm.Relationship.Touchpoints;
using EventCrm.Relationship.Value;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;

namespace EventCrm.Projections.Values;

/// <summary>
/// Writes a <see cref="ValueCheckpoint"/> each time a customer's stream reaches a multiple of
/// <see cref="Every"/> events: the previous checkpoint moved on by the events since (one read of at
/// most <see cref="Every"/> events), so the work per event stays the same however long the stream.
/// Where the summary cannot place an event (a back-dated state change), the stream up to the
/// checkpoint is folded whole once.
/// </summary>
public sealed class ValueCheckpointProjection : ProjectionBase, IProjection
{
    public const string ProjectionName = "ValueCheckpoints";

    /// <summary>Events between checkpoints: a read folds at most this many past its checkpoint (plus what the daemon has not reached).</summary>
    public const int Every = 1_000;

    public ValueCheckpointProjection()
    {
        Name = ProjectionName;
        RegisterPublishedType(typeof(ValueCheckpoint));
        Options.DeleteViewTypeOnTeardown<ValueCheckpoint>();
    }

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var reached = events.Where(e => e.StreamKey is not null && e.Version % Every == 0 && !e.StreamKey.StartsWith("system:", StringComparison.Ordinal))
            .GroupBy(e => e.StreamKey!);
        foreach (var stream in reached)
        {
            // The previous checkpoint of a page's later one is the page's earlier one, not stored yet.
            ValueCheckpoint? previous = null;
            foreach (var version in stream.Select(e => e.Version).Distinct().Order())
            {
                previous ??= await operations.Query<ValueCheckpoint>()
                    .Where(c => c.CustomerId == stream.Key && c.Version < version)
                    .OrderByDescending(c => c.Version).FirstOrDefaultAsync(cancellation);
                var next = await NextAsync(operations, stream.Key, version, previous, cancellation);
                if (next is null) continue;
                operations.Store(next);
                previous = next;
            }
        }
    }

    private static async Task<ValueCheckpoint?> NextAsync(IQuerySession session, string customerId, long version, ValueCheckpoint? previous, CancellationToken ct)
    {
        var after = previous?.Version ?? 0;
        var segment = await StreamLookups.TouchpointsAsync(session, customerId, after, version, ct);
        CustomerLedger? ledger = previous?.Ledger ?? FoldedLedger.Empty(customerId);
        foreach (var (touchpoint, _) in segment)
            if ((ledger = ValuationFold.TryRecord(ledger!, touchpoint)) is null) break;
        ledger ??= await StreamLookups.FoldAsync(session, customerId, version, ct);
        if (ledger.Touchpoints == 0) return null;

        var recorded = segment.Select(t => t.RecordedAt).ToList();
        var recordedUpTo = recorded.Count == 0 ? previous!.RecordedUpTo
            : previous is null || recorded.Max() > previous.RecordedUpTo ? recorded.Max() : previous.RecordedUpTo;
        var stored = (ledger is FoldedLedger folded ? folded.AsStored() : ledger) with { FoldedUpTo = version };
        return new ValueCheckpoint(ValueCheckpoint.IdOf(customerId, version), customerId, version, after, stored.LastSeenAt, recordedUpTo,
            segment.Count == 0 ? null : segment.Min(t => t.Touchpoint.OccurredAt),
            recorded.Count == 0 ? null : recorded.Min(), stored);
    }
}
