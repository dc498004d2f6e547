using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

/// <summary>
/// Two nodes on one demo cluster (docs/scaling.md §1): the second node's sessions are on the first
/// clone's cluster. `./eventcrm stop` in the first clone used to stop the service and then the
/// cluster, and the second node answered 503 until it was started again. Now stop ends the service
/// and keeps a cluster other sessions use, naming them (every session of a node carries its name as
/// its application_name) and saying how to stop it anyway. The service's own sessions do not count.
/// A real cluster in the sandbox's .data/ on a port of its own; a stand-in for dotnet whose service
/// holds a session named as the Host names its sessions (machine:pid) until it is stopped
/// (<see cref="ScriptSandbox"/>).
/// </summary>
public class when_stop_meets_a_cluster_another_node_uses
{
    private static readonly TimeSpan Soon = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task stop_ends_the_service_keeps_the_cluster_and_names_the_other_node()
    {
        using var sandbox = new ScriptSandbox(ScriptScenario.DotnetWhoseHostRuns("""
                [ "${2:-}" = seed-demo ] && exit 3
                # A session named as the Host names its own, closed a second after the service ends (the
                # check interval lets its backend notice the client gone in the middle of pg_sleep).
                port="$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$ConnectionStrings__EventCrm")"
                PGOPTIONS="-c client_connection_check_interval=100" PGAPPNAME="$(uname -n):$$" psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d eventcrm -c "select pg_sleep(120)" >/dev/null 2>&1 &
                held=$!
                trap '(sleep 1; kill $held) >/dev/null 2>&1 & exit 0' TERM
                echo $$ > "$here/serving"
                for _ in $(seq 1 600); do sleep 0.1; done
                exit 0 ;;
            """));
        var port = HostProcess.FreePort();
        var environment = ScriptScenario.OnItsOwnDemoCluster(port);
        environment["Auth__AdminKey"] = "ecrm_admin_script_scenario_key_stop_0001";
        using var run = sandbox.Start(environment, "run");
        try
        {
            var service = await Serving(sandbox, run);
            await UntilSessions(port, $"%:{service}", 1);
            // The second node: the first clone's cluster, its name as Application Name.
            await using var nodeB = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Database=eventcrm;Username=postgres;Pooling=false;Application Name=eventcrm-b");
            await nodeB.OpenAsync();

            var stop = await sandbox.Run(environment, Soon, "stop");

            stop.ExitCode.ShouldBe(0, stop.Errors);
            stop.Errors.ShouldContain($"==> Stopping the service (pid {service})...");
            (await run.Ended(Soon)).ExitCode.ShouldBe(0);
            // Only node B is named: neither the ended service's session (machine:pid) nor stop's own query.
            stop.Errors.ShouldContain($"[db] Keeping the demo cluster (port {port}) running: it is still in use by eventcrm-b (1 session). " +
                                      "To stop it anyway: ./eventcrm db stop demo");
            stop.Errors.ShouldNotContain("Stopping the demo cluster");
            (await SelectOne(nodeB)).ShouldBe(1, "node B lost its database");

            await nodeB.CloseAsync();
            var last = await sandbox.Run(environment, Soon, "stop");

            last.ExitCode.ShouldBe(0, last.Errors);
            last.Errors.ShouldContain($"[db] Stopping the demo cluster (port {port})...");
            (await sandbox.Run(environment, Soon, "db", "status", "demo")).Output.ShouldStartWith("demo  stopped");
        }
        finally
        {
            await sandbox.Run(environment, Soon, "db", "stop", "demo");
        }
    }

    [Fact]
    public async Task db_stop_stops_it_whoever_uses_it()
    {
        using var sandbox = new ScriptSandbox("""
            echo "unexpected: dotnet $*" >&2
            exit 64
            """);
        var port = HostProcess.FreePort();
        var environment = new Dictionary<string, string> { ["ConnectionStrings__EventCrm"] = "", ["EVENTCRM_PG_PORT"] = $"{port}" };
        try
        {
            (await sandbox.Run(environment, Soon, "db", "start", "demo")).ExitCode.ShouldBe(0);
            await using var nodeB = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Database=eventcrm;Username=postgres;Pooling=false;Application Name=eventcrm-b");
            await nodeB.OpenAsync();

            var stop = await sandbox.Run(environment, Soon, "db", "stop", "demo");

            stop.ExitCode.ShouldBe(0, stop.Errors);
            stop.Errors.ShouldContain($"[db] Stopping the demo cluster (port {port})...");
            (await Fails(() => SelectOne(nodeB))).ShouldBeTrue("node B's session outlived db stop");
        }
        finally
        {
            await sandbox.Run(environment, Soon, "db", "stop", "demo");
        }
    }

    private static async Task<int> Serving(ScriptSandbox sandbox, ScriptSandbox.Script run)
    {
        var file = sandbox.PathOf("serving");
        for (var until = DateTime.UtcNow + Soon; !File.Exists(file) || File.ReadAllText(file).Trim().Length == 0; await Task.Delay(100))
            if (DateTime.UtcNow > until) throw new TimeoutException($"the service never started: {run.Errors}");
        return int.Parse(File.ReadAllText(file).Trim());
    }

    /// <summary>Waits until that many sessions whose application_name is like the pattern are open.</summary>
    private static async Task UntilSessions(int port, string like, int count)
    {
        await using var admin = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Database=postgres;Username=postgres;Pooling=false");
        await admin.OpenAsync();
        for (var until = DateTime.UtcNow + Soon; ; await Task.Delay(100))
        {
            await using var command = new NpgsqlCommand("select count(*) from pg_stat_activity where application_name like @like", admin);
            command.Parameters.AddWithValue("like", like);
            if ((long)(await command.ExecuteScalarAsync())! >= count) return;
            if (DateTime.UtcNow > until) throw new TimeoutException($"no session named like {like}");
        }
    }

    private static async Task<bool> Fails(Func<Task> action)
    {
        try
        {
            await action();
            return false;
        }
        catch (NpgsqlException)
        {
            return true;
        }
    }

    private static async Task<int> SelectOne(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("select 1", connection);
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
