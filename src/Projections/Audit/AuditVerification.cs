using System.Text.Json.Nodes;

namespace EventCrm.Projections.Audit;

public sealed record AuditMismatch(long Sequence, long Version, string? TouchpointId, string Problem);

/// <param name="Checked">The events verified intact before the first mismatch (all of them when there is none).</param>
/// <param name="Unsealed">The events not sealed yet met before the first mismatch (all of them when there is none).</param>
/// <param name="FirstMismatch">The first of <paramref name="Mismatches"/>: null when the stream is intact.</param>
/// <param name="Erasures">The erasures of personal data the stream records, oldest first (none for most streams).</param>
/// <param name="Mismatches">Every mismatch of the stream, in stream order, each at its own event: the first
/// <see cref="AuditVerification.MaxMismatchesListed"/> of them.</param>
/// <param name="MismatchCount">How many mismatches the stream has, all of them (past those listed too).</param>
public sealed record AuditReport(bool Valid, int Checked, int Unsealed, AuditMismatch? FirstMismatch, IReadOnlyList<AuditErasure> Erasures,
    IReadOnlyList<AuditMismatch> Mismatches, int MismatchCount);

/// <summary>
/// Recomputes a stream's chain from its rows and compares it with the seals, in stream order:
/// an altered event, a deleted one, one moved to another place in its stream or one slipped in
/// where the sealer had already passed, or one marked archived (hidden from every reader), is a
/// mismatch; so is a personal field that reads erased where no erasure of it is recorded
/// (the chain stands for an erased value by its sealed hash, which masking by hand would use too).
/// Every mismatch of the stream is reported, each at its own event: past a fault, an event's
/// previous hash is taken from the seal of the event before it, so one altered (or deleted, or
/// moved) event does not make the events after it read as altered. An intact stream is checked
/// with the running chain alone, as before; only a stream with a fault reads the seals by version.
/// A seal altered (its hash changed in audit_seals) is told from its event altered by the stream's next seal, which
/// was chained on the event's true hash: it is reported as the seal, and the next event is checked on that hash.
/// Events newer than the sealer's progress (`sealedThrough`: every event numbered up to it has its
/// seal) are counted as unsealed, not as faults.
/// </summary>
public static class AuditVerification
{
    /// <summary>A stream altered wholesale (a script rewriting every amount) lists this many; its count says the rest.</summary>
    public const int MaxMismatchesListed = 100;

    public static AuditReport Verify(IReadOnlyList<AuditRow> rows, IReadOnlyList<AuditSeal> seals, long sealedThrough, byte[]? streamKey)
    {
        var sealBySequence = seals.ToDictionary(s => s.Sequence);
        var lastSealed = seals.Count == 0 ? long.MinValue : seals.Max(s => s.Sequence);
        // Seals whose event no row holds any more, earliest place first: a deletion is reported at
        // the deleted event's own place, not as the next event "differing" (its previous hash is gone).
        var rowSequences = rows.Select(r => r.Sequence).ToHashSet();
        var deleted = new Queue<AuditSeal>(seals.Where(s => !rowSequences.Contains(s.Sequence)).OrderBy(s => s.Version));
        // Only a stream with an event out of place, or with a fault, needs it (most have neither).
        var places = new Lazy<SealedPlaces>(() => new SealedPlaces(seals, streamKey));
        // An erasure records the fields it masked in the events before it: only those may read erased.
        var erasures = rows.OrderBy(r => r.Version).Select(AuditChain.ErasureOf).OfType<AuditErasure>().ToList();
        List<AuditMismatch>? listed = null;
        var mismatchCount = 0;
        var previous = AuditChain.Genesis;
        var previousVersion = 0L;
        // Whether `previous` is the hash the next event was sealed on: true until the first fault.
        var chainHolds = true;
        var (checkedCount, unsealed) = (0, 0);
        var ordered = rows.OrderBy(r => r.Version).ToList();
        // The hash an intact event recomputes to where its own seal was altered: the event after it is checked on that.
        Dictionary<long, string>? recomputedForAlteredSeal = null;

        for (var at = 0; at < ordered.Count; at++)
        {
            var row = ordered[at];
            // A deleted event before this one is reported at its own place, then this one is checked.
            while (Check(row, at) is { } problem)
            {
                if (problem.Deleted is { } gone)
                {
                    Add(MissingAt(gone));
                    deleted.Dequeue();
                    continue;
                }
                // An altered seal blames no event, but its event is intact and in the log: its touchpoint says where to look
                // (a mismatch without one read "touchpoint ?", as if the event were gone).
                Add(new AuditMismatch(row.Sequence, row.Version, TouchpointIdOf(row.Data), problem.Text!));
                break;
            }
        }
        // Seals left over at the end: the stream's newest events, deleted from the log.
        while (deleted.TryDequeue(out var gone)) Add(MissingAt(gone));
        return new AuditReport(mismatchCount == 0, checkedCount, unsealed, listed?[0], erasures, listed ?? [], mismatchCount);

        void Add(AuditMismatch mismatch)
        {
            if (mismatchCount++ < MaxMismatchesListed) (listed ??= []).Add(mismatch);
            chainHolds = false;
        }

        // The seal of the stream's next event, when that event recomputes to it on this hash (null at the stream's newest event).
        AuditSeal? NextSealChainedOn(int at, string hash)
        {
            if (at + 1 >= ordered.Count) return null;
            var next = ordered[at + 1];
            if (next.Version != ordered[at].Version + 1 || !sealBySequence.TryGetValue(next.Sequence, out var nextSeal) || nextSeal.Version != next.Version)
                return null;
            return AuditChain.Hash(next, hash, nextSeal.PersonalHashes, streamKey, nextSeal.CoversProvenance) == nextSeal.Hash ? nextSeal : null;
        }

        // What is wrong at this row, or a deleted event before it: null when it verifies (or is not sealed yet).
        Problem? Check(AuditRow row, int at)
        {
            if (!sealBySequence.TryGetValue(row.Sequence, out var seal))
            {
                // Its own seal stands at another sequence number: the row's number was changed, not the event slipped in.
                if (places.Value.SealedElsewhere(row) is { } moved) return Moved(moved, row);
                if (deleted.TryPeek(out var gone) && gone.Version < row.Version) return new Problem(gone);
                if (row.Sequence < lastSealed) return "this event has no seal although later events do: it was added afterwards";
                if (row.Sequence <= sealedThrough) return "this event has no seal although the sealer has passed its place in the log: it was added afterwards";
                if (mismatchCount == 0) unsealed++;
                return null;
            }
            if (deleted.TryPeek(out var missing) && missing.Version < row.Version) return new Problem(missing);
            if (row.Version != seal.Version)
            {
                // Which event the row is decides what to say: the one sealed at its sequence number (its version
                // changed), the one sealed for its version at another number (its number changed), or neither.
                if (places.Value.Is(row, seal)) return $"this event was sealed as version {seal.Version} of its stream";
                if (places.Value.SealedElsewhere(row) is { } moved) return Moved(moved, row, seal);
                return $"sequence {row.Sequence} was sealed for version {seal.Version} of the stream, and this event (version {row.Version}) " +
                       "is not the one sealed there";
            }
            // The flag is outside the hashed row, and flipping it hides the event from every value and timeline.
            if (row.IsArchived) return "this event is marked archived, which hides it from every reader: the service never archives an event";
            // Past a fault, or across a gap in the versions, the event was sealed on the hash sealed for the version before
            // it: the event there may be altered, or moved further on. A gap whose seals went too is this event's mismatch.
            var (sealedOn, gap) = chainHolds && row.Version == previousVersion + 1 ? (previous, "")
                : recomputedForAlteredSeal?.GetValueOrDefault(row.Version - 1) is { } intact ? (intact, "")
                : places.Value.HashBefore(row.Version) is { } kept ? (kept, "")
                : (previous, GapBefore(row.Version, previousVersion));
            var hash = AuditChain.Hash(row, sealedOn, seal.PersonalHashes, streamKey, seal.CoversProvenance);
            (previous, previousVersion) = (seal.Hash, row.Version);
            if (hash != seal.Hash)
            {
                // The next seal was chained on this event's true hash: the event is intact, its own seal is what changed.
                if (NextSealChainedOn(at, hash) is not { } next) return "the event differs from what was sealed" + gap;
                (recomputedForAlteredSeal ??= [])[row.Version] = hash;
                return SealAltered(seal, next);
            }
            var unrecorded = AuditChain.ErasedSinceSealed(row, seal.PersonalHashes)
                .Where(field => !erasures.Any(e => e.Version > row.Version && e.Fields.Contains(field))).ToList();
            if (unrecorded.Count > 0) return ErasedWithoutRecord(unrecorded);
            if (mismatchCount == 0) checkedCount++;
            return null;
        }
    }

    /// <summary>What is wrong at a row: its own problem, or a sealed event before it that is gone from the log.</summary>
    private readonly record struct Problem(AuditSeal? Deleted, string? Text)
    {
        public Problem(AuditSeal deleted) : this(deleted, null) { }

        public static implicit operator Problem(string text) => new(null, text);
    }

    private static string Moved(AuditSeal sealedAs, AuditRow row, AuditSeal? sealHere = null) =>
        $"this event was sealed at sequence {sealedAs.Sequence} (version {sealedAs.Version}) and now sits at sequence {row.Sequence}" +
        (sealHere is null ? "" : $", which was sealed for version {sealHere.Version}") + ": its sequence number was changed";

    private static string SealAltered(AuditSeal seal, AuditSeal next) =>
        $"the seal differs from the event it sealed: the seal at sequence {seal.Sequence} (version {seal.Version}) holds another hash, " +
        $"while the event recomputes to the hash the next seal, at sequence {next.Sequence} (version {next.Version}), was chained on: " +
        "the event is intact and this seal was altered in audit_seals";

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

    private static AuditMismatch MissingAt(AuditSeal seal) => new(seal.Sequence, seal.Version, null, "a sealed event is missing from the log");

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
            var previous = HashBefore(seal.Version);
            return previous is not null && AuditChain.Hash(row, previous, seal.PersonalHashes, streamKey, seal.CoversProvenance) == seal.Hash;
        }

        /// <summary>The hash an event of this version was sealed on: the one sealed for the version before it, if still kept.</summary>
        public string? HashBefore(long version) => version == 1 ? AuditChain.Genesis : _byVersion.GetValueOrDefault(version - 1)?.Hash;

        /// <summary>The seal of the row's version at another sequence number, when the row is the event it sealed.</summary>
        public AuditSeal? SealedElsewhere(AuditRow row) =>
            _byVersion.TryGetValue(row.Version, out var seal) && seal.Sequence != row.Sequence && Is(row, seal) ? seal : null;
    }
}
