using System.Text.Json.Nodes;
using Alba;
using EventCrm.Tests.Support;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// Five customers in a schema of their own, small enough to compute spend by hand:
///
/// | customer | segment | purchases (amount / margin, category) |
/// |---|---|---|
/// | A | smb | 100/30 rollers, 50/10 rollers, 200/80 movers |
/// | B | smb | 70/20 rollers; later, once the daemon has folded the rest, 30/5 movers |
/// | C | enterprise | 500/100 rollers |
/// | D | none: a lead who bought and never signed up | 40/10 movers |
/// | E | enterprise, signup recorded after its purchase | 60/15 movers |
/// </summary>
public sealed class SpendBase() : SchemaHost(SchemaName)
{
    /// <summary>Per test process: developers share one database, and two runs must not reset each other's base.</summary>
    public static readonly string SchemaName = $"eventcrm_spend_{Environment.ProcessId}";

    protected override async Task SeedAsync()
    {
        await Host.PostTouchpoints(new[]
        {
            Customer("A", "smb"), Sale("A", 100, 30, "rollers"), Sale("A", 50, 10, "rollers"), Sale("A", 200, 80, "movers"),
            Customer("B", "smb"), Sale("B", 70, 20, "rollers"),
            Customer("C", "enterprise"), Sale("C", 500, 100, "rollers"),
            Lead("D", Jan1), Sale("D", 40, 10, "movers"),
            Lead("E", Jan1), Sale("E", 60, 15, "movers"),
        });
        // E's signup comes in a later request: recorded after its purchase, back-dated before it.
        await Host.PostTouchpoints(Of("signed-up", "E", Jan1.AddDays(1), new { name = "E", email = "e@example.com", segment = "enterprise", acquisitionCost = 0m }));
        await Store.CatchUp();
        // A page of its own for B's later purchase: its segment is in the spend document stored
        // for B by an earlier page, not in any event of this one.
        await Host.PostTouchpoints(new[] { Sale("B", 30, 5, "movers") });
        await Store.CatchUp();
        CellsAsTheDaemonLeftThem = await Host.GetJson("/api/portfolio/spend-by-category");
    }

    /// <summary>The cells as the running daemon folded the base, page by page, before any test rebuilt them.</summary>
    public JsonNode CellsAsTheDaemonLeftThem { get; private set; } = null!;

    private static Dictionary<string, object?> Customer(string id, string segment) =>
        Of("signed-up", id, Jan1, new { name = id, email = $"{id}@example.com", segment, acquisitionCost = 0m });

    private static Dictionary<string, object?> Sale(string id, decimal amount, decimal margin, string category) =>
        Of("purchase", id, Jan1.AddDays(10), new { orderId = $"{id}-{Guid.NewGuid():N}", amount, margin, category });

    protected override Task AfterStopAsync() => DataCommandLine.DropSchema(SchemaName);
}
