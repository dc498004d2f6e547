using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

/// <summary>
/// The lines `./eventcrm run` prints once the service listens say where its admin key came from and,
/// only when the script runs the database, how to stop it. A second node (docs/scaling.md §1) is
/// given the first one's key in Auth__AdminKey and its database in ConnectionStrings__EventCrm: its
/// lines used to point to a .data/admin-key that did not exist and to `./eventcrm stop` for a database
/// it never started. A stand-in for dotnet prints the lines as the Host does (<see cref="ScriptSandbox"/>).
/// </summary>
public class when_a_second_node_starts_from_its_own_clone
{
    private const string Key = "ecrm_admin_script_scenario_key_second_node";

    private static ScriptSandbox Sandbox() => new("""
        case "$1" in
          build) exit 0 ;;
          *EventCrm.Host.dll)
            [ "${2:-}" = seed-demo ] && exit 3
            printf '%s\n\n' "$EVENTCRM_RUN_BANNER" >&2
            exit 0 ;;
        esac
        echo "unexpected: dotnet $*" >&2
        exit 64
        """);

    [Fact]
    public async Task its_lines_say_the_key_came_from_the_environment_and_nothing_of_stopping_a_database()
    {
        using var sandbox = Sandbox();

        var run = await sandbox.Run(new Dictionary<string, string>
        {
            ["ConnectionStrings__EventCrm"] = "Host=127.0.0.1;Port=5433;Database=eventcrm;Username=postgres;Application Name=eventcrm-b",
            ["Auth__AdminKey"] = Key,
            ["EVENTCRM_HTTP_PORT"] = $"{HostProcess.FreePort()}",
        }, TimeSpan.FromMinutes(1), "run");

        run.ExitCode.ShouldBe(0, run.Errors);
        run.Errors.ShouldContain($"admin API key  {Key}   (send it as the X-Api-Key header; from Auth__AdminKey in the environment)");
        run.Errors.ShouldContain("(KEY=$Auth__AdminKey)");
        run.Errors.ShouldNotContain(".data/admin-key");
        run.Errors.ShouldContain("(Ctrl-C to stop)\n");
        run.Errors.ShouldNotContain("./eventcrm stop");
        File.Exists(sandbox.PathOf(".data/admin-key")).ShouldBeFalse();
    }

    [Fact]
    public async Task the_first_nodes_lines_name_its_key_file_and_how_to_stop_its_database()
    {
        using var sandbox = Sandbox();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__EventCrm"] = "",
            ["Auth__AdminKey"] = "",
            ["EVENTCRM_PG_PORT"] = $"{HostProcess.FreePort()}",
            ["EVENTCRM_HTTP_PORT"] = $"{HostProcess.FreePort()}",
        };
        try
        {
            var run = await sandbox.Run(environment, TimeSpan.FromMinutes(2), "run");

            run.ExitCode.ShouldBe(0, run.Errors);
            var key = File.ReadAllText(sandbox.PathOf(".data/admin-key")).Trim();
            run.Errors.ShouldContain($"admin API key  {key}   (send it as the X-Api-Key header; kept in .data/admin-key)");
            run.Errors.ShouldContain("(KEY=$(cat .data/admin-key))");
            run.Errors.ShouldContain("(Ctrl-C to stop; the database keeps running: ./eventcrm stop)");
        }
        finally
        {
            await sandbox.Run(environment, TimeSpan.FromMinutes(1), "db", "stop", "demo");
        }
    }
}
