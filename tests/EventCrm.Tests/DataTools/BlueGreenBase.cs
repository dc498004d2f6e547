using EventCrm.Tests.Support;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// Forty customers in a schema of their own, each with a signup, purchases and a refund whose
/// amounts follow from the customer's number, so the test knows every ledger's figures without
/// asking the code under test: customer i buys (10 + i) and (100 + 2i), then gets 5 back.
/// </summary>
public sealed class BlueGreenBase() : SchemaHost(SchemaName)
{
    /// <summary>Per test process: developers share one database, and two runs must not reset each other's base.</summary>
    public static readonly string SchemaName = $"eventcrm_bluegreen_{Environment.ProcessId}";

    public static readonly IReadOnlyList<(string Id, decimal Revenue, int Touchpoints)> Customers =
        Enumerable.Range(1, 40).Select(i => ($"bg-{i:00}", (10m + i) + (100m + 2 * i) - 5m, 4)).ToList();

    protected override async Task SeedAsync()
    {
        foreach (var batch in Enumerable.Range(1, 40).Chunk(10))
            await Host.PostTouchpoints(batch.SelectMany(History).ToArray());
        await Store.CatchUp();
    }

    private static IEnumerable<Dictionary<string, object?>> History(int i)
    {
        var id = $"bg-{i:00}";
        yield return SignUp(id, Jan1);
        yield return Purchase(id, Jan1.AddDays(3), 10m + i, 1m);
        yield return Purchase(id, Jan1.AddDays(4), 100m + 2 * i, 1m);
        yield return Of("refund", id, Jan1.AddDays(5), new { orderId = "o-1", amount = 5m, margin = 0m });
    }

    protected override Task AfterStopAsync() => DataCommandLine.DropSchema(SchemaName);
}
