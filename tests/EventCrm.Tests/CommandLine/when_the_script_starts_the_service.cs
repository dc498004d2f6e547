using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

/// <summary>
/// `./eventcrm run` seeds the demo base when it is missing, then starts the service, which prints
/// its URLs once it listens (the stand-in below prints them as it starts). Only a start that
/// seeded the base has minutes of projections and retention assessments to catch up with, and
/// only that start says so. The script runs from a copy of its own (its .data/ there), over the
/// test database, with a stand-in for dotnet: no build, the Host built for the tests for seed-demo
/// (asked for a small base), and no service started at the end (<see cref="ScriptSandbox"/>).
/// </summary>
public class when_the_script_starts_the_service
{
    private const string Schema = "eventcrm_script_run";
    private const string CatchingUp = "in the background, about a minute; the portfolio page says until then that its figures are partial";

    [Fact]
    public async Task it_says_the_service_has_catching_up_to_do_only_after_seeding_the_demo_base()
    {
        await DropSchema();
        using var sandbox = new ScriptSandbox($$"""
            # dotnet as ./eventcrm run calls it: build, the Host's seed-demo, then the service.
            case "$1" in
              build) exit 0 ;;
              *EventCrm.Host.dll)
                shift
                if [ "${1:-}" = seed-demo ]; then exec "{{ScriptSandbox.RealDotnet()}}" "{{Path.Combine(HostCommandLine.HostFolder(), "EventCrm.Host.dll")}}" "$@" --customers 3; fi
                echo "the service starts with $*"
                # As the Host does once it listens (RunBanner).
                printf '%s\n\n' "$EVENTCRM_RUN_BANNER" >&2
                exit 0 ;;
            esac
            echo "unexpected: dotnet $*" >&2
            exit 64
            """);
        try
        {
            var first = await Run(sandbox);
            var second = await Run(sandbox);

            first.ExitCode.ShouldBe(0, first.Errors);
            first.Output.ShouldContain("Seeded 3 customers and ");
            first.Errors.ShouldContain("==> EventCrm is listening on ");
            first.Errors.ShouldContain(CatchingUp);
            first.Output.ShouldContain("the service starts with --urls");

            second.ExitCode.ShouldBe(0, second.Errors);
            second.Output.ShouldContain("Demo base already present: nothing to seed.");
            second.Errors.ShouldContain("==> EventCrm is listening on ");
            second.Errors.ShouldNotContain(CatchingUp);
            // The first run's pid file names a process gone since: checking it is no error.
            second.Errors.ShouldNotContain("No such file or directory");
            second.Output.ShouldContain("the service starts with --urls");
        }
        finally
        {
            await DropSchema();
        }
    }

    private static Task<(int ExitCode, string Output, string Errors)> Run(ScriptSandbox sandbox) =>
        sandbox.Run(new Dictionary<string, string>
        {
            ["Marten__Schema"] = Schema,
            ["Auth__AdminKey"] = "ecrm_admin_script_scenario_key",
            ["EVENTCRM_HTTP_PORT"] = $"{HostProcess.FreePort()}",
        }, TimeSpan.FromMinutes(2), "run");

    private static async Task DropSchema()
    {
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"drop schema if exists {Schema} cascade", connection);
        await command.ExecuteNonQueryAsync();
    }
}
