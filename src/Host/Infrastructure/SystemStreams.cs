namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Streams that are not customers share the event store with them; their keys start with a
/// prefix no customer id may use, so the two can never collide. The touchpoints the service records
/// itself (retention decisions, expiries) have ids under the same prefix, which callers may not use.
/// </summary>
public static class SystemStreams
{
    public const string Prefix = "system:";
    public const string FormulaRegistry = Prefix + "formula-registry";
    public const string PortfolioModel = Prefix + "portfolio-model";
    public const string DemoSeeding = Prefix + "demo-seeding";
    /// <summary>Marten's stream for the sequence numbers of failed appends: never a customer.</summary>
    public const string MartenTombstone = "mt_tombstone";

    /// <summary>A stream of the service's own, never a customer's (a customer route answers 404 for it).</summary>
    public static bool AreTheServices(string streamId) =>
        streamId.StartsWith(Prefix, StringComparison.Ordinal) || streamId == MartenTombstone;
}
