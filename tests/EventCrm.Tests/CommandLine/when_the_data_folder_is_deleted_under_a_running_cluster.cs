using System.Net.Sockets;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

/// <summary>
/// `rm -rf .data` while the demo cluster runs leaves its server running, holding the port, until it
/// notices (within a minute) that its postmaster.pid is gone. `db status` used to call the cluster
/// absent, `stop` said it was not running and left it, and `run` made a new cluster that could not
/// start (twenty lines of PostgreSQL's log). Now status names the server, `run` is refused in one
/// line saying what ends it, and `stop` ends it. A real cluster, in the sandbox's .data/ on a port
/// of its own; a stand-in for dotnet (<see cref="ScriptSandbox"/>).
/// </summary>
public class when_the_data_folder_is_deleted_under_a_running_cluster
{
    [Fact]
    public async Task status_names_its_server_run_is_refused_and_stop_ends_it()
    {
        using var sandbox = new ScriptSandbox("""
            [ "$1" = build ] && exit 0
            echo "dotnet $* was called: the run was not refused" >&2
            exit 64
            """);
        var port = HostProcess.FreePort();
        var environment = ScriptScenario.OnItsOwnDemoCluster(port);
        var within = TimeSpan.FromMinutes(1);
        var data = sandbox.PathOf(".data/pg/data");
        var started = await sandbox.Run(environment, within, "db", "start", "demo");
        started.ExitCode.ShouldBe(0, started.Errors);
        var server = int.Parse(File.ReadLines(Path.Combine(data, "postmaster.pid")).First());
        try
        {
            Directory.Delete(sandbox.PathOf(".data"), recursive: true);

            var status = await sandbox.Run(environment, within, "db", "status", "demo");
            var run = await sandbox.Run(environment, within, "run");
            var stop = await sandbox.Run(environment, within, "stop");

            status.Output.Trim().ShouldBe($"demo  orphaned pid {server}, its folder {data} deleted (./eventcrm stop ends it)");
            run.ExitCode.ShouldBe(1, run.Errors);
            run.Errors.Trim().ShouldBe($"[db] ERROR: the demo cluster's server (pid {server}) still holds port {port}, though its folder {data} was deleted: " +
                                       "./eventcrm stop ends it (it also ends by itself within a minute).");
            stop.ExitCode.ShouldBe(0, stop.Errors);
            stop.Errors.ShouldContain($"[db] Stopping the demo cluster's server (pid {server}), whose folder {data} was deleted...");
            ScriptSandbox.IsRunning(server).ShouldBeFalse("the server outlived stop");
            Listening(port).ShouldBeFalse();
        }
        finally
        {
            if (ScriptSandbox.IsRunning(server)) System.Diagnostics.Process.GetProcessById(server).Kill();
        }
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
