namespace EventCrm.Host.Audit.Anchors;

/// <summary>
/// A digest of every seal up to a point of each database's log, taken to be kept outside the
/// database: the seals can then no longer be rewritten unseen, even by someone who can write
/// both the events and the seals.
/// </summary>
public sealed record AuditAnchor(DateTimeOffset TakenAt, IReadOnlyList<DatabaseAnchor> Databases);

/// <param name="Database">"default" with one database, else the database's place in <c>Tenancy:Databases</c> ("db0", "db1", ...).</param>
/// <param name="Sequence">The digest covers the seals of the events numbered up to this one (the sealer's progress when taken).</param>
/// <param name="Seals">How many seals that is.</param>
/// <param name="Digest">SHA-256 of the seals' lines, lower-case hex (<see cref="SealLines"/>).</param>
public sealed record DatabaseAnchor(string Database, long Sequence, long Seals, string Digest);

public sealed record AnchorCheck(bool Valid, IReadOnlyList<DatabaseAnchorCheck> Databases);

/// <param name="Digest">The digest of the seals up to the anchor's sequence as they are now.</param>
/// <param name="ExpectedDigest">The anchor's.</param>
/// <param name="SealedThrough">How far the sealer has gone since.</param>
public sealed record DatabaseAnchorCheck(string Database, long Sequence, bool Valid, long Seals, long ExpectedSeals, string Digest, string ExpectedDigest, long SealedThrough);
