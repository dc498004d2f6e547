using EventCrm.Tests.Support;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// 1,200 customers (pr-0001 to pr-1200), each signed up and with one purchase, in a schema of
/// their own so that rebuilding and spoiling their profiles disturbs no other test.
/// </summary>
public sealed class ProfileBase() : SchemaHost(SchemaName)
{
    /// <summary>Per test process: developers share one database, and two runs must not reset each other's base.</summary>
    public static readonly string SchemaName = $"eventcrm_profiles_{Environment.ProcessId}";
    public const int Customers = 1_200;

    public static string Customer(int n) => $"pr-{n:D4}";

    protected override async Task SeedAsync()
    {
        foreach (var chunk in Enumerable.Range(1, Customers).Chunk(200))
            await Host.PostTouchpoints(chunk.SelectMany(n => new[] { SignUp(Customer(n), Jan1, name: $"Customer {n}"), Purchase(Customer(n), Jan1.AddDays(5)) }).ToArray());
    }

    protected override Task AfterStopAsync() => DataCommandLine.DropSchema(SchemaName);
}
