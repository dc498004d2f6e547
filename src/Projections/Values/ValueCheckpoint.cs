using EventCrm.Relationship.Value;

namespace EventCrm.Projections.Values;

/// <summary>
/// A customer's ledger as of a version of its stream that is a multiple of <see cref="ValueCheckpoints.Every"/>:
/// what a value read as of a past business time (<c>asOf</c>) or knowledge time (<c>knownAt</c>) starts
/// from, instead of folding the stream from its first event (docs/value.md, "Reads of large accounts").
/// Events are never altered (an erasure masks no figure), so a checkpoint never goes stale: one written
/// stays true for every read after it. Its ledger is folded for valuing only (<see cref="ValuationFold"/>).
/// </summary>
/// <param name="LastOccurredAt">The latest business time of the touchpoints 1..Version: a read as of it or later counts them all.</param>
/// <param name="RecordedUpTo">The latest recording time of the events 1..Version: a read known at it or later knows them all.</param>
/// <param name="SegmentEarliestOccurredAt">The earliest business time among the touchpoints after the previous checkpoint (null: none):
/// a read as of an earlier moment counts none of them, and does not read them.</param>
/// <param name="SegmentEarliestRecordedAt">The earliest recording time of those touchpoints (null: none).</param>
public sealed record ValueCheckpoint(
    string Id, string CustomerId, long Version, long PreviousVersion, DateTimeOffset? LastOccurredAt, DateTimeOffset RecordedUpTo,
    DateTimeOffset? SegmentEarliestOccurredAt, DateTimeOffset? SegmentEarliestRecordedAt, CustomerLedger Ledger)
{
    public static string IdOf(string customerId, long version) => $"{customerId}@{version}";
}
