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

/// <param name="Valid">True only when every database's seals were checked and are the ones anchored.</param>
/// <param name="Status">"changed" when any database's seals changed; else "not-sealed-yet" when any could not be checked yet; else "unchanged".</param>
public sealed record AnchorCheck(bool Valid, IReadOnlyList<DatabaseAnchorCheck> Databases, string Status)
{
    public static AnchorCheck Of(IReadOnlyList<DatabaseAnchorCheck> databases) =>
        new(databases.All(d => d.Valid), databases,
            databases.Any(d => d.Status == AnchorStatus.Changed) ? AnchorStatus.Changed
            : databases.Any(d => d.Status == AnchorStatus.NotSealedYet) ? AnchorStatus.NotSealedYet
            : AnchorStatus.Unchanged);
}

public static class AnchorStatus
{
    public const string Unchanged = "unchanged";
    public const string Changed = "changed";
    public const string NotSealedYet = "not-sealed-yet";
}

/// <param name="Valid">The seals up to the anchor's sequence were checked and are the ones anchored.</param>
/// <param name="Digest">The digest of the seals up to the anchor's sequence as they are now.</param>
/// <param name="ExpectedDigest">The anchor's.</param>
/// <param name="SealedThrough">How far the sealer has gone since.</param>
/// <param name="Status">One of <see cref="AnchorStatus"/>.</param>
/// <param name="Reason">Why the database's seals are not shown unchanged, in a sentence; null when they are.</param>
public sealed record DatabaseAnchorCheck(string Database, long Sequence, bool Valid, long Seals, long ExpectedSeals, string Digest, string ExpectedDigest,
    long SealedThrough, string Status, string? Reason)
{
    /// <summary>
    /// A database whose sealer has not reached the anchor's sequence cannot be judged: the seals
    /// it will still write up to there belong in the digest, so a difference is no tampering and a
    /// match is no proof yet. It is neither valid nor changed.
    /// </summary>
    public static DatabaseAnchorCheck Of(DatabaseAnchor expected, long seals, string digest, long sealedThrough)
    {
        var (status, reason) =
            expected.Sequence > sealedThrough
                ? (AnchorStatus.NotSealedYet, $"Not sealed that far yet: sealed through {sealedThrough}, the anchor is at {expected.Sequence}. " +
                                              $"Check again once the sealer has passed {expected.Sequence}; its progress never goes back, so if the anchor was taken " +
                                              "from this database, the database was restored from an earlier copy or its progress set back.")
            : seals == expected.Seals && digest == expected.Digest ? (AnchorStatus.Unchanged, null)
            : (AnchorStatus.Changed, $"The seals up to {expected.Sequence} changed: {seals} seals now, {expected.Seals} anchored, and another digest.");
        return new DatabaseAnchorCheck(expected.Database, expected.Sequence, status == AnchorStatus.Unchanged, seals, expected.Seals, digest, expected.Digest,
            sealedThrough, status, reason);
    }
}
