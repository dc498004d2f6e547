namespace EventCrm.Host.Demo;

/// <summary>The shape of the demo business: an industrial handling supplier selling to several segments.</summary>
public sealed record DemoSegment(string Name, double Weight, double PurchasesPerYear, double MeanOrder, double VisitsPerYear);

public static class DemoCatalog
{
    public static readonly DemoSegment[] Segments =
    [
        new("consumer", 0.35, 10, 110, 0),
        new("smb", 0.35, 22, 260, 0.5),
        new("mid-market", 0.2, 34, 600, 2),
        new("enterprise", 0.1, 52, 1400, 5),
    ];

    /// <summary>Categories in pairs that sell together (seed 001: buyers of rollers also buy machine movers).</summary>
    public static readonly string[] Categories = ["rollers", "machine-movers", "lifting", "safety", "spare-parts", "services"];

    public static readonly Dictionary<string, string> CrossSell = new()
    {
        ["rollers"] = "machine-movers", ["machine-movers"] = "rollers", ["lifting"] = "safety",
        ["safety"] = "lifting", ["spare-parts"] = "services", ["services"] = "spare-parts",
    };

    public static readonly (string Channel, decimal MinCost, decimal MaxCost)[] Channels =
    [
        ("web", 40, 140), ("referral", 15, 60), ("field-sales", 300, 900), ("trade-show", 150, 420),
    ];

    public static readonly string[] LeadSources = ["webinar", "newsletter", "search", "partner", "trade-show"];
    public static readonly string[] SupportReasons = ["delivery", "invoice", "installation", "defect", "how-to"];
    public static readonly string[] CancellationReasons = ["price", "moved to competitor", "service quality", "no longer needed"];
}
