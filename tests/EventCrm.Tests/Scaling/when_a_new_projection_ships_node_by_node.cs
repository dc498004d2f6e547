using Alba;
using EventCrm.Relationship.Value;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using JasperFx;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;

namespace EventCrm.Tests.Scaling;

/// <summary>
/// A rolling deploy of code that adds a projection (docs/projections.md, "Serving while it ships"):
/// an old node runs every projection it knows while a node with the new code joins; the new node
/// takes the new projection's lock and builds it from the whole log, the old node keeps answering
/// writes, and once the old node goes the new one runs everything.
/// </summary>
public class when_a_new_projection_ships_node_by_node : IAsyncLifetime
{
    // Per test process: developers share one database, and a second run must not reset this one's base.
    private static readonly string Schema = $"eventcrm_rolling_deploy_{Environment.ProcessId}";

    private IAlbaHost _oldNode = null!;

    public async ValueTask InitializeAsync()
    {
        _oldNode = await AppFixture.StartHost(Schema);
        await _oldNode.ResetAllData();
    }

    private static Task<IAlbaHost> NewCodeNode() =>
        AppFixture.StartHost(Schema, services => services.ConfigureMarten(opts =>
        {
            opts.Schema.For<VisitMonth>();
            opts.Projections.Add(new VisitMonthsProjection(), ProjectionLifecycle.Async);
        }));

    private static object Visit(string customer, string occurredAt, decimal cost) =>
        new { type = "visit", touchpointId = $"visit-{customer}-{occurredAt}", customerId = customer, occurredAt, cost, purpose = (string?)null };

    private static async Task<string[]> MonthsOf(IDocumentStore store, params string[] customers)
    {
        await using var session = store.QuerySession();
        var months = await session.Query<VisitMonth>().ToListAsync();
        return months.Where(m => customers.Any(c => m.Id.StartsWith(c + "|", StringComparison.Ordinal)))
            .OrderBy(m => m.Id, StringComparer.Ordinal).Select(m => $"{m.Id}: {m.Visits} for {m.Cost:0.##}").ToArray();
    }

    [Fact]
    public async Task the_new_node_builds_the_new_projection_while_the_old_one_serves_then_takes_over_the_rest()
    {
        var (first, second) = (Ids.Customer(), Ids.Customer());
        await _oldNode.PostTouchpoints(new object[]
        {
            SignUp(first, Jan1), SignUp(second, Jan1),
            Visit(first, "2025-01-10T10:00:00Z", 40m), Visit(first, "2025-01-20T10:00:00Z", 15m),
            Visit(first, "2025-02-03T10:00:00Z", 10m), Visit(second, "2025-01-11T10:00:00Z", 20m),
        });

        await using var newNode = await NewCodeNode();
        var newStore = newNode.Services.GetRequiredService<IDocumentStore>();

        // Built from the whole log by the new node: the old one does not know the projection.
        await Waits.Until(async () => (await MonthsOf(newStore, first, second)).Length == 3);
        (await MonthsOf(newStore, first, second)).ShouldBe(
            new[] { $"{first}|2025-01: 2 for 55", $"{first}|2025-02: 1 for 10", $"{second}|2025-01: 1 for 20" }.Order(StringComparer.Ordinal));
        var status = await newNode.GetJson($"/api/projections/{VisitMonthsProjection.ProjectionName}");
        status["daemonRunning"]!.GetValue<bool>().ShouldBeTrue();
        await _oldNode.GetJson($"/api/projections/{VisitMonthsProjection.ProjectionName}", 404);

        // The old node still answers writes and still runs the projections it knows.
        await _oldNode.PostTouchpoints(new[] { Visit(second, "2025-01-25T10:00:00Z", 5m), Purchase(second, Jan1.AddDays(30), 100m, 30m) });
        await Waits.Until(async () => (await MonthsOf(newStore, second)).SequenceEqual([$"{second}|2025-01: 2 for 25"]));
        (await Revenue(_oldNode, second)).ShouldBe(100m);
        await Waits.Until(async () => await LedgerRevenue(newStore, second) == 100m);
        RunningOn(newNode).ShouldBe([$"{VisitMonthsProjection.ProjectionName}:All"], "the old node keeps the projections it knows");

        // The old node goes: the new one takes its projections over.
        await _oldNode.StopAsync();
        await newNode.PostTouchpoints(new[] { Purchase(first, Jan1.AddDays(40), 70m, 20m) });
        await Waits.Until(async () => await LedgerRevenue(newStore, first) == 70m, TimeSpan.FromSeconds(60));
        RunningOn(newNode).ShouldContain("CustomerLedger:All");
        RunningOn(newNode).ShouldContain($"{VisitMonthsProjection.ProjectionName}:All");
        await newNode.StopAsync();
    }

    /// <summary>The shards whose agents run on this node.</summary>
    private static string[] RunningOn(IAlbaHost node) =>
        node.Services.GetRequiredService<IProjectionCoordinator>().DaemonForMainDatabase().CurrentAgents()
            .Where(agent => agent.Status == AgentStatus.Running).Select(agent => agent.Name.Identity).Order(StringComparer.Ordinal).ToArray();

    private static async Task<decimal> Revenue(IAlbaHost node, string customer) =>
        (await node.GetJson($"/api/customers/{customer}/value"))["historical"]!["revenue"]!.GetValue<decimal>();

    /// <summary>The ledger the daemon keeps (not the value route, which reads the stream when its ledger lags).</summary>
    private static async Task<decimal> LedgerRevenue(IDocumentStore store, string customer)
    {
        await using var session = store.QuerySession();
        return (await session.LoadAsync<CustomerLedger>(customer))?.Historical.Revenue ?? 0m;
    }

    public async ValueTask DisposeAsync()
    {
        await _oldNode.DisposeAsync();
        await DataCommandLine.DropSchema(Schema);
    }
}
