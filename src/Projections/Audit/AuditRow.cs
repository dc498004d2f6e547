namespace EventCrm.Projections.Audit;

/// <summary>An event exactly as the events table holds it: what the hash chain covers.</summary>
/// <param name="AppendedBy">Who appended it (the <c>appended-by</c> header), with <paramref name="CorrelationId"/> and <paramref name="CausationId"/> its provenance.</param>
/// <param name="IsArchived">Marten's archive flag: every reader skips an archived event, and the service never archives one.</param>
public sealed record AuditRow(long Sequence, string StreamId, long Version, string Type, string Data, DateTimeOffset RecordedAt,
    string? AppendedBy = null, string? CorrelationId = null, string? CausationId = null, bool IsArchived = false);

/// <summary>The hash sealed for one event, and the hashes of its personal fields (kept so an erasure stays verifiable).</summary>
/// <param name="CoversProvenance">Whether the hash covers who appended the event and its correlation and causation ids (seals made since 2026-12-05).</param>
public sealed record AuditSeal(long Sequence, string StreamId, long Version, string Hash, IReadOnlyDictionary<string, string> PersonalHashes,
    bool CoversProvenance = false);

/// <summary>
/// An erasure of personal data the stream records (its personal-data-erased event): when it was made, and the
/// fields it masked in the events before it.
/// </summary>
public sealed record AuditErasure(long Sequence, long Version, DateTimeOffset ErasedAt, IReadOnlyList<string> Fields);
