using Alba;
using EventCrm.Tests.Support;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

/// <summary>A few customers with ledgers kept by the async daemon, in a schema of their own so a rebuild disturbs no other test.</summary>
public sealed class LedgerBase() : SchemaHost(SchemaName)
{
    /// <summary>Per test process: developers share one database, and two runs must not reset each other's base.</summary>
    public static readonly string SchemaName = $"eventcrm_rebuild_{Environment.ProcessId}";

    protected override async Task SeedAsync()
    {
        foreach (var customer in new[] { "L1", "L2", "L3" })
        {
            await Host.PostTouchpoints(new[]
            {
                SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(5), 300m, 90m), SupportCall(customer, Jan1.AddDays(6)),
                Of("refund", customer, Jan1.AddDays(7), new { orderId = "o-1", amount = 20m, margin = 5m }),
            });
        }
        await Store.CatchUp();
    }

    protected override Task AfterStopAsync() => DataCommandLine.DropSchema(SchemaName);
}
