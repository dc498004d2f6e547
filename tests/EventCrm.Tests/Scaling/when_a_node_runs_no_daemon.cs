using Alba;
using EventCrm.Relationship.Value;
using EventCrm.Tests.Support;
using Marten;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Scaling;

public sealed class ApiOnlyNode() : SchemaHost(ApiOnlyNode.SchemaName, ("Marten:Daemon", "off"))
{
    public const string SchemaName = "eventcrm_api_only";
}

/// <summary>A node with Marten:Daemon=off serves the API and leaves the async projections to the other nodes.</summary>
public class when_a_node_runs_no_daemon(ApiOnlyNode node) : IClassFixture<ApiOnlyNode>
{
    private async Task<CustomerLedger?> LedgerOf(string customer)
    {
        await using var session = node.Store.QuerySession();
        return await session.LoadAsync<CustomerLedger>(customer);
    }

    [Fact]
    public async Task it_takes_touchpoints_and_a_node_with_the_daemon_projects_them()
    {
        var customer = Ids.Customer();
        await node.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(3), amount: 250m) });
        (await node.Host.TimelineEntries(customer)).Count.ShouldBe(2);

        // Several leadership polls (5 s): a node that competed would have built the ledger by now.
        await Task.Delay(TimeSpan.FromSeconds(6));
        (await LedgerOf(customer)).ShouldBeNull();

        await using var projecting = await AppFixture.StartHost(ApiOnlyNode.SchemaName);
        await node.Store.CatchUp();
        var ledger = await LedgerOf(customer);
        ledger.ShouldNotBeNull();
        ledger.Historical.Revenue.ShouldBe(250m);
    }

    [Fact]
    public async Task it_refuses_to_rebuild_an_async_projection_it_does_not_run_and_starts_nothing()
    {
        var refused = await node.Host.PostJson("/api/projections/CustomerLedger/rebuild", new { }, 409);
        refused["detail"]!.GetValue<string>().ShouldContain("Marten:Daemon=off");
        (await node.Host.GetJson("/api/projections/CustomerLedger"))["lastRebuild"].ShouldBeNull();
    }

    [Fact]
    public async Task a_setting_other_than_on_or_off_stops_the_start_with_the_reason()
    {
        var failure = await Should.ThrowAsync<InvalidOperationException>(() => AppFixture.StartHost("eventcrm_api_only_bad", ("Marten:Daemon", "sometimes")));
        failure.Message.ShouldContain("Marten:Daemon must be \"on\" or \"off\"");
    }
}
