using System.Text.Json.Nodes;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Marten;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Scaling;

public sealed class NoProjectingNode() : SchemaHost(NoProjectingNode.SchemaName, ("Marten:Daemon", "off"))
{
    public const string SchemaName = "eventcrm_no_projecting_node";
}

/// <summary>
/// The projection status while the only node left runs no daemon (the daemon's node is down, or
/// only <c>Marten:Daemon=off</c> nodes run): the daemon's recorded high-water mark stays where it
/// stopped, and the status must still count the events committed since as ahead of the projection.
/// </summary>
public class when_no_node_runs_the_projections(NoProjectingNode node) : IClassFixture<NoProjectingNode>
{
    private Task<JsonNode> Status(string projection) => node.Host.GetJson($"/api/projections/{projection}");

    private static (string State, long Position, long HighWaterMark, long EventsBehind) Figures(JsonNode status) =>
        (status["state"]!.GetValue<string>(), status["position"]!.GetValue<long>(), status["highWaterMark"]!.GetValue<long>(),
            status["eventsBehind"]!.GetValue<long>());

    [Fact]
    public async Task events_appended_after_the_daemon_stopped_show_as_not_yet_projected()
    {
        var customer = Ids.Customer();
        // A node with the daemon projects the first events, then goes: its high-water mark stays recorded.
        await using (var projecting = await AppFixture.StartHost(NoProjectingNode.SchemaName))
        {
            await projecting.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(1)) });
            await node.Store.CatchUp();
            await projecting.StopAsync();
        }
        var stopped = Figures(await Status("CustomerLedger"));
        (stopped.State, stopped.HighWaterMark, stopped.EventsBehind).ShouldBe(("caught-up", stopped.Position, 0L));

        // Three touchpoints, one event each, while no node projects them.
        await node.Host.PostTouchpoints(new[] { Purchase(customer, Jan1.AddDays(2)), Purchase(customer, Jan1.AddDays(3)), SupportCall(customer, Jan1.AddDays(4)) });

        var waiting = await Status("CustomerLedger");
        Figures(waiting).ShouldBe(("catching-up", stopped.Position, stopped.Position + 3, 3L));
        waiting["daemonRunning"]!.GetValue<bool>().ShouldBeFalse("no node holds the projection's lock");
        var profile = await Status("CustomerProfile");
        (profile["state"]!.GetValue<string>(), profile["highWaterMark"]!.GetValue<long>()).ShouldBe(("inline", stopped.Position + 3));
        profile["position"].ShouldBeNull("an inline projection has no position");
        profile["daemonRunning"].ShouldBeNull("an inline projection has no daemon");

        // A node with the daemon comes back: the projection reaches the events and says so.
        await using (var back = await AppFixture.StartHost(NoProjectingNode.SchemaName))
        {
            await node.Store.CatchUp();
            var caughtUp = await Status("CustomerLedger");
            Figures(caughtUp).ShouldBe(("caught-up", stopped.Position + 3, stopped.Position + 3, 0L));
            caughtUp["daemonRunning"]!.GetValue<bool>().ShouldBeTrue("the node that came back holds the projection's lock");
            await back.StopAsync();
        }
    }

    [Fact]
    public async Task numbers_drawn_by_appends_in_flight_or_rolled_back_are_no_target()
    {
        var customer = Ids.Customer();
        await node.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(1)) });
        // As over a log no daemon has run on yet: no recorded high-water mark to fall back on.
        await DataCommandLine.Execute($"delete from {NoProjectingNode.SchemaName}.mt_event_progression where name = 'HighWaterMark'");
        var before = Figures(await Status("CustomerLedger"));

        // An append in flight has drawn its sequence numbers; it will roll back.
        await using (var appending = new NpgsqlConnection(DataCommandLine.ConnectionString()))
        {
            await appending.OpenAsync();
            await using var transaction = await appending.BeginTransactionAsync();
            await using var draw = new NpgsqlCommand($"select nextval('{NoProjectingNode.SchemaName}.mt_events_sequence') from generate_series(1, 2)", appending, transaction);
            await draw.ExecuteNonQueryAsync();

            Figures(await Status("CustomerLedger")).ShouldBe(before, "numbers drawn, not committed");
            await transaction.RollbackAsync();
        }

        Figures(await Status("CustomerLedger")).ShouldBe(before, "numbers rolled back");
    }
}
