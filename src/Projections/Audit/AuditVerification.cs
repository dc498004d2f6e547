using System.Text.Json.Nodes;

namespace EventCrm.Projections.Audit;

public sealed record AuditMismatch(long Sequence, long Version, string? TouchpointId, string Problem);

public sealed record AuditReport(bool Valid, int Checked, int Unsealed, AuditMismatch? FirstMismatch);

/// <summary>
/// Recomputes a stream's chain from its rows and compares it with the seals, in stream order:
/// an altered event, a deleted one, one moved to another place in its stream or one slipped in
/// where the sealer had already passed, or one marked archived (hidden from every reader), is the
/// first mismatch. Events newer than the sealer's
/// progress (`sealedThrough`: every event numbered up to it has its seal) are
/// counted as unsealed, not as faults.
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
        var previous = AuditChain.Genesis;
        var previousVersion = 0L;
        var (checkedCount, unsealed) = (0, 0);

        foreach (var row in rows.OrderBy(r => r.Version))
        {
            if (deleted.TryPeek(out var gone) && gone.Version < row.Version) return Missing(gone, checkedCount, unsealed);
            if (!sealBySequence.Remove(row.Sequence, out var seal))
            {
                if (row.Sequence < lastSealed) return Fault(row, "this event has no seal although later events do: it was added afterwards", checkedCount, unsealed);
                if (row.Sequence <= sealedThrough)
                    return Fault(row, "this event has no seal although the sealer has passed its place in the log: it was added afterwards", checkedCount, unsealed);
                unsealed++;
                continue;
            }
            if (row.Version != seal.Version) return Fault(row, $"this event was sealed as version {seal.Version} of its stream", checkedCount, unsealed);
            // The flag is outside the hashed row, and flipping it hides the event from every value and timeline.
            if (row.IsArchived) return Fault(row, "this event is marked archived, which hides it from every reader: the service never archives an event", checkedCount, unsealed);
            var hash = AuditChain.Hash(row, previous, seal.PersonalHashes, streamKey, seal.CoversProvenance);
            if (hash != seal.Hash)
                return Fault(row, "the event differs from what was sealed" + GapBefore(row.Version, previousVersion), checkedCount, unsealed);
            previous = hash;
            previousVersion = row.Version;
            checkedCount++;
        }

        var missing = sealBySequence.Values.MinBy(s => s.Version);
        return missing is null ? new AuditReport(true, checkedCount, unsealed, null) : Missing(missing, checkedCount, unsealed);
    }

    /// <summary>A stream's versions run on without a gap: one there means the events in it were deleted, their seals with them.</summary>
    private static string GapBefore(long version, long previousVersion) =>
        (version - previousVersion) switch
        {
            <= 1 => "",
            2 => $": the event before it, version {previousVersion + 1}, is missing, deleted with its seal",
            _ => $": the events before it, versions {previousVersion + 1} to {version - 1}, are missing, deleted with their seals",
        };

    private static AuditReport Missing(AuditSeal seal, int checkedCount, int unsealed) =>
        new(false, checkedCount, unsealed, new AuditMismatch(seal.Sequence, seal.Version, null, "a sealed event is missing from the log"));

    private static AuditReport Fault(AuditRow row, string problem, int checkedCount, int unsealed) =>
        new(false, checkedCount, unsealed, new AuditMismatch(row.Sequence, row.Version, TouchpointIdOf(row.Data), problem));

    private static string? TouchpointIdOf(string data) =>
        JsonNode.Parse(data)?["touchpointId"] is JsonValue value && value.TryGetValue<string>(out var id) ? id : null;
}
