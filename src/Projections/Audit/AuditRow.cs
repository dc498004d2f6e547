namespace EventCrm.Projections.Audit;

/// <summary>An event exactly as the events table holds it: what the hash chain covers.</summary>
public sealed record AuditRow(long Sequence, string StreamId, long Version, string Type, string Data, DateTimeOffset RecordedAt);

/// <summary>The hash sealed for one event, and the hashes of its personal fields (kept so an erasure stays verifiable).</summary>
public sealed record AuditSeal(long Sequence, string StreamId, long Version, string Hash, IReadOnlyDictionary<string, string> PersonalHashes);
