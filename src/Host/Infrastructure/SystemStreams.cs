namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Streams that are not customers share the event store with them; their keys start with a
/// prefix no customer id may use, so the two can never collide.
/// </summary>
public static class SystemStreams
{
    public const string Prefix = "system:";
    public const string FormulaRegistry = Prefix + "formula-registry";
    public const string PortfolioModel = Prefix + "portfolio-model";
    public const string DemoSeeding = Prefix + "demo-seeding";
}
