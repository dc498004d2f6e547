using Alba;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Scaling;

/// <summary>
/// A rolling deploy: node B holds CustomerLedger's lock, node C starts beside it. A rebuild asked of
/// C is refused, and until 2026-12-07 nothing said which node to ask instead: not the 409, not the
/// status, not pg_stat_activity (the nodes' sessions had an empty application_name). Now each
/// session carries the node's name (the connection string's Application Name, else the machine's
/// name and the process id), and the 409 and the status name the node that holds the lock.
/// </summary>
public class when_a_rebuild_is_asked_of_a_node_that_does_not_hold_the_projection : IAsyncLifetime
{
    // Per test process: developers share one database, and a second run must not reset this one's base.
    private static readonly string Schema = $"eventcrm_lock_holder_{Environment.ProcessId}";

    // Node B's connection string names no application: it goes by this machine's name and this test process's id,
    // the process its in-process host runs in. Node C's operator named it.
    private static readonly string NodeB = $"{Environment.MachineName}:{Environment.ProcessId}";
    private const string NodeC = "eventcrm-node-c";

    private IAlbaHost _nodeB = null!;

    public async ValueTask InitializeAsync()
    {
        _nodeB = await AppFixture.StartHost(Schema);
        await _nodeB.ResetAllData();
    }

    [Fact]
    public async Task the_refusal_the_status_and_pg_stat_activity_name_the_node_that_holds_the_lock()
    {
        await Waits.Until(async () => (await _nodeB.GetJson("/api/projections/CustomerLedger"))["daemonRunning"]!.GetValue<bool>());
        await using var nodeC = await AppFixture.StartHost(Schema, ("ConnectionStrings:EventCrm", $"{NodeProcess.TestDatabase()};Application Name={NodeC}"));

        var refusal = await nodeC.PostJson("/api/projections/CustomerLedger/rebuild", new { }, 409);
        refusal["detail"]!.GetValue<string>().ShouldStartWith(
            $"This node ({NodeC}) does not run 'CustomerLedger' in every database: {NodeB} holds its lock (send the request to that node;");

        var status = await nodeC.GetJson("/api/projections/CustomerLedger");
        status["daemonHeldBy"]!.GetValue<string>().ShouldBe(NodeB);
        var listed = (await nodeC.GetJson("/api/projections")).AsArray().Single(p => p!["name"]!.GetValue<string>() == "CustomerLedger")!;
        listed["daemonHeldBy"]!.GetValue<string>().ShouldBe(NodeB);
        // Inline: no lock, nobody to name.
        (await nodeC.GetJson("/api/projections/CustomerProfile"))["daemonHeldBy"].ShouldBeNull();

        (await ApplicationNamesOfAdvisoryLockHolders()).ShouldContain(NodeB);

        // Node B goes (the old code's node restarted): C takes the lock, and a rebuild asked of it runs there, recorded under C's name.
        await _nodeB.StopAsync();
        await Waits.Until(async () => (await nodeC.GetJson("/api/projections/CustomerLedger"))["daemonHeldBy"]?.GetValue<string>() == NodeC,
            TimeSpan.FromSeconds(60));
        var accepted = await nodeC.PostJson("/api/projections/CustomerLedger/rebuild", new { }, 202);
        accepted["lastRebuild"]!["node"]!.GetValue<string>().ShouldBe(NodeC);
        (await RebuildWaits.UntilCompleted(nodeC, "CustomerLedger"))["lastRebuild"]!["state"]!.GetValue<string>().ShouldBe("completed");
        await nodeC.StopAsync();
    }

    /// <summary>What an operator reads in pg_stat_activity for the sessions holding advisory locks in the test database.</summary>
    private static async Task<string[]> ApplicationNamesOfAdvisoryLockHolders()
    {
        await using var connection = new NpgsqlConnection(NodeProcess.TestDatabase());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select distinct a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid " +
            "where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database())", connection);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        return [.. names];
    }

    public async ValueTask DisposeAsync()
    {
        await _nodeB.DisposeAsync();
        await DataCommandLine.DropSchema(Schema);
    }
}
