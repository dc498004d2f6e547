using System.Text.Json.Nodes;

namespace EventCrm.Projections.Audit;

public sealed record AuditMismatch(long Sequence, long Version, string? TouchpointId, string Problem);

/// <param name="Erasures">The erasures of personal data the stream records, oldest first (none for most streams).</param>
public sealed record AuditReport(bool Valid, int Checked, int Unsealed, AuditMismatch? FirstMismatch, IReadOnlyList<AuditErasure> Erasures);

/// <summary>
/// Recomputes a stream's chain from its rows and compares it with the seals, in stream order:
/// an altered event, a deleted one, one moved to another place in its stream or one slipped in
/// where the sealer had already passed, or one marked archived (hidden from every reader), is the
/// first mismatch; so is a personal field that reads erased where no erasure of it is recorded
/// (the chain stands for an erased value by its sealed hash, which masking by hand would use too).
/// Events newer than the sealer's progress (`sealedThrough`: every event numbered up to it has its
/// seal) are counted as unsealed, not as faults.
/// </summary>
public static class AuditVerification
{
    public static AuditReport Verify(IReadOnlyList<AuditRow> rows, IReadOnlyList<AuditSeal> seals, long sealedThrough, byte[]? streamKey)
    {
        var sealBySequence = seals.ToDictionary(s => s.Sequence);
        var lastSealed = seals.Count == 0 ? long.MinValue : seals.Max(s => s.Sequence);
        // Seals whose event no row holds any more, earliest place first: a deletion is reported at
        // the deleted event's own place, not as the next event "differing" (its previous hash is gone).
        var rowSequences = rows.Select(r => r.Sequence).ToHashSet();
        var deleted = new Queue<AuditSeal>(seals.Where(s => !rowSequences.Contains(s.Sequence)).OrderBy(s => s.Version));
        // Only a stream with an event out of place needs it (most have none).
        var places = new Lazy<SealedPlaces>(() => new SealedPlaces(seals, streamKey));
        // An erasure records the fields it masked in the events before it: only those may read erased.
        var erasures = rows.OrderBy(r => r.Version).Select(AuditChain.ErasureOf).OfType<AuditErasure>().ToList();
        var previous = AuditChain.Genesis;
        var previousVersion = 0L;
        var (checkedCount, unsealed) = (0, 0);

        foreach (var row in rows.OrderBy(r => r.Version))
        {
            AuditReport Fault(string problem) =>
                new(false, checkedCount, unsealed, new AuditMismatch(row.Sequence, row.Version, TouchpointIdOf(row.Data), problem), erasures);

            if (!sealBySequence.Remove(row.Sequence, out var seal))
            {
                // Its own seal stands at another sequence number: the row's number was changed, not the event slipped in.
                if (places.Value.SealedElsewhere(row) is { } moved) return Fault(Moved(moved, row));
                if (deleted.TryPeek(out var gone) && gone.Version < row.Version) return Missing(gone, checkedCount, unsealed, erasures);
                if (row.Sequence < lastSealed) return Fault("this event has no seal although later events do: it was added afterwards");
                if (row.Sequence <= sealedThrough) return Fault("this event has no seal although the sealer has passed its place in the log: it was added afterwards");
                unsealed++;
                continue;
            }
            if (deleted.TryPeek(out var missing) && missing.Version < row.Version) return Missing(missing, checkedCount, unsealed, erasures);
            if (row.Version != seal.Version)
            {
                // Which event the row is decides what to say: the one sealed at its sequence number (its version
                // changed), the one sealed for its version at another number (its number changed), or neither.
                if (places.Value.Is(row, seal)) return Fault($"this event was sealed as version {seal.Version} of its stream");
                if (places.Value.SealedElsewhere(row) is { } moved) return Fault(Moved(moved, row, seal));
                return Fault($"sequence {row.Sequence} was sealed for version {seal.Version} of the stream, and this event (version {row.Version}) " +
                             "is not the one sealed there");
            }
            // The flag is outside the hashed row, and flipping it hides the event from every value and timeline.
            if (row.IsArchived) return Fault("this event is marked archived, which hides it from every reader: the service never archives an event");
            var hash = AuditChain.Hash(row, previous, seal.PersonalHashes, streamKey, seal.CoversProvenance);
            if (hash != seal.Hash) return Fault("the event differs from what was sealed" + GapBefore(row.Version, previousVersion));
            var unrecorded = AuditChain.ErasedSinceSealed(row, seal.PersonalHashes)
                .Where(field => !erasures.Any(e => e.Version > row.Version && e.Fields.Contains(field))).ToList();
            if (unrecorded.Count > 0) return Fault(ErasedWithoutRecord(unrecorded));
            previous = hash;
            previousVersion = row.Version;
            checkedCount++;
        }

        var unmatched = sealBySequence.Values.MinBy(s => s.Version);
        return unmatched is null ? new AuditReport(true, checkedCount, unsealed, null, erasures) : Missing(unmatched, checkedCount, unsealed, erasures);
    }

    private static string Moved(AuditSeal sealedAs, AuditRow row, AuditSeal? sealHere = null) =>
        $"this event was sealed at sequence {sealedAs.Sequence} (version {sealedAs.Version}) and now sits at sequence {row.Sequence}" +
        (sealHere is null ? "" : $", which was sealed for version {sealHere.Version}") + ": its sequence number was changed";

    private static string ErasedWithoutRecord(IReadOnlyList<string> fields)
    {
        var named = fields.Count == 1 ? fields[0] : string.Join(", ", fields.Take(fields.Count - 1)) + " and " + fields[^1];
        var (read, them) = fields.Count == 1 ? ("reads", "it") : ("read", "them");
        return $"its {named} {read} \"{AuditChain.Erased}\" without an erasure recorded: no personal-data-erased event after it " +
               $"in the stream names {them}, so the value was destroyed outside the service's erasure";
    }

    /// <summary>A stream's versions run on without a gap: one there means the events in it were deleted, their seals with them.</summary>
    private static string GapBefore(long version, long previousVersion) =>
        (version - previousVersion) switch
        {
            <= 1 => "",
            2 => $": the event before it, version {previousVersion + 1}, is missing, deleted with its seal",
            _ => $": the events before it, versions {previousVersion + 1} to {version - 1}, are missing, deleted with their seals",
        };

    private static AuditReport Missing(AuditSeal seal, int checkedCount, int unsealed, IReadOnlyList<AuditErasure> erasures) =>
        new(false, checkedCount, unsealed, new AuditMismatch(seal.Sequence, seal.Version, null, "a sealed event is missing from the log"), erasures);

    private static string? TouchpointIdOf(string data) =>
        JsonNode.Parse(data)?["touchpointId"] is JsonValue value && value.TryGetValue<string>(out var id) ? id : null;

    /// <summary>
    /// Tells which seal an event found out of place is the seal of: each seal is recomputed from the row with the
    /// previous hash sealed before it in its stream, so the answer holds whatever else moved around it.
    /// </summary>
    private sealed class SealedPlaces(IReadOnlyList<AuditSeal> seals, byte[]? streamKey)
    {
        private readonly Dictionary<long, AuditSeal> _byVersion = seals.GroupBy(s => s.Version).ToDictionary(g => g.Key, g => g.First());

        /// <summary>Whether the row is the event this seal sealed, wherever the row now sits.</summary>
        public bool Is(AuditRow row, AuditSeal seal)
        {
            var previous = seal.Version == 1 ? AuditChain.Genesis : _byVersion.GetValueOrDefault(seal.Version - 1)?.Hash;
            return previous is not null && AuditChain.Hash(row, previous, seal.PersonalHashes, streamKey, seal.CoversProvenance) == seal.Hash;
        }

        /// <summary>The seal of the row's version at another sequence number, when the row is the event it sealed.</summary>
        public AuditSeal? SealedElsewhere(AuditRow row) =>
            _byVersion.TryGetValue(row.Version, out var seal) && seal.Sequence != row.Sequence && Is(row, seal) ? seal : null;
    }
}
