using EventCrm.Tests.Scaling;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// A node killed (SIGKILL) in the middle of a blue/green rebuild of CustomerLedger leaves its side
/// schema behind: a second copy of the documents. Until 2026-12-06 it stayed there, unmentioned,
/// until the projection's next rebuild dropped it without a word. Now the service drops it when it
/// starts, or the next rebuild does, saying so in its log; never while another process (a node, a
/// rebuild command) holds the projection's rebuild claim, since that one is building there.
/// Each scenario runs nodes as processes of their own, over a schema of its own.
/// </summary>
public class when_a_rebuild_is_killed_mid_way
{
    // Rebuild logs at Information, as the service's default; the nodes' other categories stay at Warning.
    private static readonly Dictionary<string, string> Settings = new() { ["Logging:LogLevel:EventCrm.Host.Rebuilds"] = "Information" };

    private static string SideSchema(string schema) => $"{schema}_next_customerledger";

    [Fact]
    public async Task the_service_drops_what_it_left_when_it_starts_again_and_the_projection_then_rebuilds()
    {
        var schema = $"eventcrm_killed_rebuild_{Environment.ProcessId}";
        await DataCommandLine.DropSchema(schema);
        try
        {
            await KillMidRebuild(schema);
            (await SchemaExists(SideSchema(schema))).ShouldBeTrue("the killed rebuild left its side schema behind");

            await using var restarted = await NodeProcess.Start("eventcrm-killed-rebuild-b", schema, Settings);
            await Until(async () => !await SchemaExists(SideSchema(schema)), $"{SideSchema(schema)} dropped at start", restarted);
            restarted.Log.ShouldContain($"Found schema {SideSchema(schema)} left by a rebuild of CustomerLedger that is no longer running " +
                                        "(killed, or it could not drop them as it ended): dropping it at start");

            await Rebuild(restarted);
            await LedgersShouldHoldTheBase(schema);
        }
        finally
        {
            await DataCommandLine.DropSchema(schema);
        }
    }

    [Fact]
    public async Task a_side_build_another_process_may_be_running_is_left_alone_and_the_next_rebuild_drops_it_once_that_process_has_gone()
    {
        var schema = $"eventcrm_killed_rebuild_claimed_{Environment.ProcessId}";
        await DataCommandLine.DropSchema(schema);
        try
        {
            await KillMidRebuild(schema);

            // Held from before the start: as if a rebuild command elsewhere had just begun building there.
            await using var elsewhere = await RebuildClaimHeld.By(schema, "CustomerLedger");
            await using var restarted = await NodeProcess.Start("eventcrm-killed-rebuild-c", schema, Settings);
            await Until(() => Task.FromResult(restarted.Log.Contains("is left alone")), "the start saying it leaves the side build alone", restarted);
            restarted.Log.ShouldContain($"The side build of CustomerLedger ({SideSchema(schema)}) is left alone: another process " +
                                        "(a node or a rebuild command) is rebuilding the projection right now");
            (await SchemaExists(SideSchema(schema))).ShouldBeTrue("a side build in use is never dropped");
            await elsewhere.DisposeAsync();

            // That process has gone (its claim freed with its session): the next rebuild drops the side schema first, saying so.
            await Rebuild(restarted);
            restarted.Log.ShouldContain($"Found schema {SideSchema(schema)} left by a rebuild of CustomerLedger that is no longer running " +
                                        "(killed, or it could not drop them as it ended): dropping it before rebuilding it");
            await LedgersShouldHoldTheBase(schema);
        }
        finally
        {
            await DataCommandLine.DropSchema(schema);
        }
    }

    /// <summary>
    /// Three customers buying 100; 100 and 50; 100, 50 and 25; then a rebuild of CustomerLedger
    /// held before its first page (its side schema made), and its node killed.
    /// </summary>
    private static async Task KillMidRebuild(string schema)
    {
        await using var node = await NodeProcess.Start("eventcrm-killed-rebuild-a", schema, Settings);
        decimal[] amounts = [100m, 50m, 25m];
        for (var i = 1; i <= 3; i++)
        {
            var customer = $"killed-{i}";
            await node.PostTouchpoints(new[] { SignUp(customer, Jan1) }.Concat(amounts.Take(i).Select((a, k) => Purchase(customer, Jan1.AddDays(k + 1), a, 10m))).ToArray());
        }
        await using (await HeldNewBuild.Of(schema, "CustomerLedger"))
        {
            await StartRebuild(node);
            await Until(() => SchemaExists(SideSchema(schema)), "the side schema made", node);
            await node.Kill();
        }
    }

    private static async Task StartRebuild(NodeProcess node)
    {
        // Right after a start the node may not hold the projection's lock yet: 409 until it does.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var answer = await node.Http.PostAsync("/api/projections/CustomerLedger/rebuild", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
            if ((int)answer.StatusCode == 202) return;
            if ((int)answer.StatusCode != 409 || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"rebuild not accepted: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
            await Task.Delay(300);
        }
    }

    private static async Task Rebuild(NodeProcess node)
    {
        await StartRebuild(node);
        await Until(async () =>
        {
            var state = (await node.GetJson("/api/projections/CustomerLedger"))["lastRebuild"]?["state"]?.GetValue<string>();
            if (state == "failed") throw new InvalidOperationException($"rebuild failed: {await node.GetJson("/api/projections/CustomerLedger")}");
            return state == "completed";
        }, "the rebuild completed", node);
    }

    /// <summary>Three ledgers, whose revenues add up to 100 + (100 + 50) + (100 + 50 + 25) = 425.</summary>
    private static async Task LedgersShouldHoldTheBase(string schema)
    {
        (await DataCommandLine.Count($"select count(*) from {schema}.mt_doc_customerledger")).ShouldBe(3);
        (await DataCommandLine.Count($"select sum((data -> 'historical' ->> 'revenue')::numeric)::bigint from {schema}.mt_doc_customerledger")).ShouldBe(425);
    }

    private static async Task<bool> SchemaExists(string schema) =>
        await DataCommandLine.Count($"select count(*) from pg_namespace where nspname = '{schema}'") == 1;

    private static async Task Until(Func<Task<bool>> condition, string what, NodeProcess node)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not reached within 60 s: {what}. The node's log:\n{node.Log}");
            await Task.Delay(200);
        }
    }
}
