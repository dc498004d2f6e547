using System.Net;
using System.Net.Sockets;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

/// <summary>
/// `./eventcrm run` on a machine where another program holds the demo cluster's port, or the
/// service's: one line naming the port and the variable that chooses another, exit code 1, before
/// anything is built or created. The cluster's port used to be found only after the build and
/// initdb, as twenty lines of PostgreSQL's log. A stand-in for dotnet that fails if called plays
/// the SDK (<see cref="ScriptSandbox"/>).
/// </summary>
public class when_a_port_the_script_needs_is_taken
{
    private const string NeverCalled = """
        echo "dotnet $* was called before the port was checked" >&2
        exit 64
        """;

    [Fact]
    public async Task the_demo_clusters_port_is_refused_in_one_line()
    {
        using var sandbox = new ScriptSandbox(NeverCalled);
        using var holder = Listen();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var run = await sandbox.Run(new Dictionary<string, string>
        {
            // No connection string: the script's own demo cluster, on a port taken.
            ["ConnectionStrings__EventCrm"] = "",
            ["EVENTCRM_PG_PORT"] = $"{port}",
            ["EVENTCRM_HTTP_PORT"] = $"{HostProcess.FreePort()}",
        }, TimeSpan.FromMinutes(1), "run");

        run.ExitCode.ShouldBe(1, run.Errors);
        var line = run.Errors.Trim();
        line.ShouldNotContain("\n");
        line.ShouldStartWith($"[db] ERROR: port {port} on 127.0.0.1, the demo cluster's, is already in use");
        line.ShouldEndWith($": stop that program, or give the cluster another port, e.g. EVENTCRM_PG_PORT={port + 100}.");
        Directory.Exists(sandbox.PathOf(".data/pg")).ShouldBeFalse("a cluster was created before the port was checked");
    }

    [Fact]
    public async Task the_services_port_is_refused_in_one_line()
    {
        using var sandbox = new ScriptSandbox(NeverCalled);
        using var holder = Listen();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var run = await sandbox.Run(new Dictionary<string, string>
        {
            ["ConnectionStrings__EventCrm"] = "Host=127.0.0.1;Database=not_used_by_the_stand_in",
            ["EVENTCRM_HTTP_PORT"] = $"{port}",
        }, TimeSpan.FromMinutes(1), "run");

        run.ExitCode.ShouldBe(1, run.Errors);
        var line = run.Errors.Trim();
        line.ShouldNotContain("\n");
        line.ShouldStartWith($"==> Port {port} on 127.0.0.1 is already in use");
        line.ShouldEndWith($": stop that program, or choose another port, e.g. EVENTCRM_HTTP_PORT={port + 1} ./eventcrm run");
    }

    [Fact]
    public async Task the_port_it_suggests_instead_is_one_found_free()
    {
        using var sandbox = new ScriptSandbox(NeverCalled);
        // Two ports in a row taken, as a first node's 5080 and a second node's 5081.
        var (first, second) = TwoInARow();
        using var holders = new CompositeDisposable(first, second);
        var port = ((IPEndPoint)first.LocalEndpoint).Port;

        var run = await sandbox.Run(new Dictionary<string, string>
        {
            ["ConnectionStrings__EventCrm"] = "Host=127.0.0.1;Database=not_used_by_the_stand_in",
            ["EVENTCRM_HTTP_PORT"] = $"{port}",
        }, TimeSpan.FromMinutes(1), "run");

        run.ExitCode.ShouldBe(1, run.Errors);
        // port + 1 is held: the first free one after it is port + 2 (free unless another program took it meanwhile).
        run.Errors.Trim().ShouldEndWith($": stop that program, or choose another port, e.g. EVENTCRM_HTTP_PORT={port + 2} ./eventcrm run");
    }

    private static (TcpListener First, TcpListener Second) TwoInARow()
    {
        for (var attempt = 0; ; attempt++)
        {
            var first = Listen();
            var port = ((IPEndPoint)first.LocalEndpoint).Port;
            try
            {
                var second = new TcpListener(IPAddress.Loopback, port + 1);
                second.Start();
                if (Free(port + 2)) return (first, second);
                second.Stop();
            }
            catch (SocketException) when (attempt < 20)
            {
            }
            first.Stop();
        }
    }

    private static bool Free(int port)
    {
        try
        {
            var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            probe.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private sealed class CompositeDisposable(params TcpListener[] listeners) : IDisposable
    {
        public void Dispose()
        {
            foreach (var listener in listeners) listener.Dispose();
        }
    }

    private static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }
}
