using EventCrm.Relationship.Value;
using Marten;

namespace EventCrm.Projections.Values;

/// <summary>
/// Writes a customer's <see cref="ValueCheckpoint"/>s, one each time its stream reaches a multiple of <see cref="Every"/>
/// events: each the previous one moved on by the events since (one read of at most <see cref="Every"/> events); a purchase
/// back-dated among the purchase days is placed from the days folded before it (<see cref="FoldedPurchaseDays"/>), a back-dated
/// state change from the state-changing touchpoints folded before it (<see cref="FoldedStateMarks"/>): each read from the
/// stream once, when first needed, types and times alone.
/// Written by the value read that finds them missing, not by the async daemon: as a projection every page of the daemon
/// went through it, and the catch-up after a bulk load was 12-25% slower (docs/performance.md) for the few accounts of
/// thousands of touchpoints it serves. Events are never altered, so a checkpoint written stays true: two reads writing
/// the same one at once write the same document.
/// </summary>
public static class ValueCheckpoints
{
    /// <summary>Events between checkpoints: a read folds at most this many past its checkpoint.</summary>
    public const int Every = 1_000;

    /// <summary>Whether a stream of <paramref name="streamVersion"/> events lacks checkpoints past <paramref name="lastCheckpoint"/> (0: none yet).</summary>
    public static bool AreMissing(long lastCheckpoint, long streamVersion) => streamVersion / Every * Every > lastCheckpoint && streamVersion >= Every;

    /// <summary>Writes the checkpoints after <paramref name="lastCheckpoint"/> up to <paramref name="streamVersion"/>, in the database <paramref name="reading"/> reads.</summary>
    public static async Task WriteMissingAsync(IQuerySession reading, string customerId, long lastCheckpoint, long streamVersion, CancellationToken ct)
    {
        await using var session = reading.DocumentStore.LightweightSession(reading.TenantId);
        var previous = lastCheckpoint == 0 ? null : await session.LoadAsync<ValueCheckpoint>(ValueCheckpoint.IdOf(customerId, lastCheckpoint), ct);
        var days = new FoldedPurchaseDays(customerId, previous?.Version ?? 0);
        var states = new FoldedStateMarks(customerId, previous?.Version ?? 0, previous?.Ledger.Touchpoints ?? 0);
        var unsaved = 0;
        for (var version = (lastCheckpoint / Every + 1) * Every; version <= streamVersion; version += Every)
        {
            var next = await NextAsync(session, customerId, version, previous, days, states, ct);
            if (next is null) continue;
            session.Store(next);
            previous = next;
            // Saved as it goes: a 200,000-event account holds 200 of them, each a ledger summary.
            if (++unsaved == 20)
            {
                await session.SaveChangesAsync(ct);
                unsaved = 0;
            }
        }
        await session.SaveChangesAsync(ct);
    }

    private static async Task<ValueCheckpoint?> NextAsync(IQuerySession session, string customerId, long version, ValueCheckpoint? previous,
        FoldedPurchaseDays days, FoldedStateMarks states, CancellationToken ct)
    {
        var after = previous?.Version ?? 0;
        var segment = await StreamLookups.TouchpointsAsync(session, customerId, after, version, ct);
        CustomerLedger? ledger = previous?.Ledger ?? FoldedLedger.Empty(customerId);
        foreach (var (touchpoint, _) in segment)
        {
            // A purchase back-dated among the purchase days is placed from the days folded before it, a back-dated state change
            // from the state-changing touchpoints folded before it, not by a refold.
            if (ledger is not null)
            {
                var bought = ledger.PurchaseDayToLookUp(touchpoint) is { } day ? (await days.AllAsync(session, ct)).Contains(day) : (bool?)null;
                var marks = ledger.MarksToLookUp(touchpoint) ? await states.AfterAsync(session, DateTimeOffset.MinValue, ct) : null;
                ledger = ValuationFold.TryRecord(ledger, touchpoint, bought, marks);
            }
            days.Add(touchpoint);
            states.Add(touchpoint);
        }
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
