using System.Net.Sockets;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

/// <summary>
/// `./eventcrm run` tells the operator where the service listens, its admin key and calls to try.
/// Until 2026-12-06 the script printed that before starting the service, so a start that failed
/// read "Starting EventCrm on http://..., health ..." and then "EventCrm did not start: ...". Now
/// the service prints it once it listens, and a failed start prints only its failure, exit code 1.
/// The script runs from a copy of its own (<see cref="ScriptSandbox"/>) with a stand-in for dotnet
/// that builds nothing and finds the demo base present, then starts the real Host as the script asks.
/// </summary>
public class when_the_script_says_where_the_service_listens
{
    private const string Schema = "eventcrm_script_listens";
    private const string AdminKeyLine = "admin API key";

    private static ScriptSandbox Sandbox() => new($$"""
        case "$1" in
          build) exit 0 ;;
          *EventCrm.Host.dll)
            if [ "${2:-}" = seed-demo ]; then exit 3; fi
            exec "{{ScriptSandbox.RealDotnet()}}" "$@" ;;
        esac
        echo "unexpected: dotnet $*" >&2
        exit 64
        """);

    private static Dictionary<string, string> Settings(int port, string? connectionString = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["Marten__Schema"] = Schema,
            ["Auth__AdminKey"] = "ecrm_admin_script_scenario_key_listens_0001",
            ["EVENTCRM_HTTP_PORT"] = $"{port}",
        };
        if (connectionString is not null) environment["ConnectionStrings__EventCrm"] = connectionString;
        return environment;
    }

    [Fact]
    public async Task it_says_where_once_the_service_answers_there()
    {
        await DropSchema();
        var port = HostProcess.FreePort();
        using var sandbox = Sandbox();
        using var script = sandbox.Start(Settings(port), "run");
        try
        {
            await script.Said(AdminKeyLine, TimeSpan.FromMinutes(2));

            // Read the moment the lines are out: the address takes connections already.
            using var client = new TcpClient();
            await Should.NotThrowAsync(() => client.ConnectAsync("127.0.0.1", port), $"the lines came before the service listened: {script.Errors}");
            script.Errors.ShouldContain($"==> EventCrm is listening on http://127.0.0.1:{port} (Ctrl-C to stop");
        }
        finally
        {
            // The script became the service (exec): SIGTERM stops it gracefully.
            if (ScriptSandbox.IsRunning(script.Pid)) System.Diagnostics.Process.Start("kill", ["-TERM", $"{script.Pid}"])!.WaitForExit();
            await script.Ended(TimeSpan.FromSeconds(30));
            await DropSchema();
        }
    }

    [Fact]
    public async Task a_start_that_fails_prints_only_its_failure_and_exit_code_1()
    {
        // The database gone between the seeding and the start: no server on that port.
        var silent = HostProcess.FreePort();
        var unreachable = new NpgsqlConnectionStringBuilder(Connection()) { Port = silent }.ConnectionString;
        using var sandbox = Sandbox();

        var (exit, output, errors) = await sandbox.Run(Settings(HostProcess.FreePort(), unreachable), TimeSpan.FromMinutes(2), "run");

        exit.ShouldBe(1, errors + output);
        errors.ShouldNotContain(AdminKeyLine);
        errors.ShouldNotContain("listening on", Case.Insensitive);
        // What is left beside the script's steps ("==> Building ...", "[db] ... using that database") is the failure alone.
        var said = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith("==> ", StringComparison.Ordinal) && !line.StartsWith("[db] ", StringComparison.Ordinal)).ToList();
        said.Count.ShouldBe(1, errors);
        said[0].ShouldStartWith($"EventCrm did not start: the database cannot be reached: Failed to connect to 127.0.0.1:{silent}");
    }

    private static string Connection() => Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm")!;

    private static async Task DropSchema()
    {
        await using var connection = new NpgsqlConnection(Connection());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"drop schema if exists {Schema} cascade", connection);
        await command.ExecuteNonQueryAsync();
    }
}
