using System.Diagnostics;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

/// <summary>
/// `./eventcrm run` seeds the demo base when it is missing, then prints the service's URLs. Only a
/// start that seeded it has minutes of projections and retention assessments to catch up with, and
/// only that start says so. The script runs from a copy of its own (its .data/ there), over the
/// test database, with a stand-in for dotnet: no build, the Host built for the tests for seed-demo
/// (asked for a small base), and no service started at the end.
/// </summary>
public class when_the_script_starts_the_service
{
    private const string Schema = "eventcrm_script_run";
    private const string CatchingUp = "in the background for a minute or two";

    [Fact]
    public async Task it_says_the_service_has_catching_up_to_do_only_after_seeding_the_demo_base()
    {
        await DropSchema();
        var sandbox = Sandbox();
        try
        {
            var first = await Run(sandbox);
            var second = await Run(sandbox);

            first.ExitCode.ShouldBe(0, first.Errors);
            first.Output.ShouldContain("Seeded 3 customers and ");
            first.Errors.ShouldContain("==> Starting EventCrm on ");
            first.Errors.ShouldContain(CatchingUp);
            first.Output.ShouldContain("the service starts with --urls");

            second.ExitCode.ShouldBe(0, second.Errors);
            second.Output.ShouldContain("Demo base already present: nothing to seed.");
            second.Errors.ShouldContain("==> Starting EventCrm on ");
            second.Errors.ShouldNotContain(CatchingUp);
            // The first run's pid file names a process gone since: checking it is no error.
            second.Errors.ShouldNotContain("No such file or directory");
            second.Output.ShouldContain("the service starts with --urls");
        }
        finally
        {
            Directory.Delete(sandbox, recursive: true);
            await DropSchema();
        }
    }

    /// <summary>The script and its database helpers in a folder of their own, src/Host being the real one.</summary>
    private static string Sandbox()
    {
        var repository = HostCommandLine.RepositoryFolder();
        var sandbox = Directory.CreateTempSubdirectory("eventcrm-script-").FullName;
        Directory.CreateDirectory(Path.Combine(sandbox, "scripts"));
        Directory.CreateDirectory(Path.Combine(sandbox, "src"));
        Directory.CreateDirectory(Path.Combine(sandbox, "bin"));
        File.Copy(Path.Combine(repository, "eventcrm"), Path.Combine(sandbox, "eventcrm"));
        File.Copy(Path.Combine(repository, "scripts", "db.sh"), Path.Combine(sandbox, "scripts", "db.sh"));
        File.CreateSymbolicLink(Path.Combine(sandbox, "src", "Host"), Path.Combine(repository, "src", "Host"));
        var dotnet = Path.Combine(sandbox, "bin", "dotnet");
        File.WriteAllText(dotnet, $$"""
            #!/usr/bin/env bash
            # dotnet as ./eventcrm run calls it: build, the Host's seed-demo, then the service.
            case "$1" in
              build) exit 0 ;;
              *EventCrm.Host.dll)
                shift
                if [ "${1:-}" = seed-demo ]; then exec "{{RealDotnet()}}" "{{Path.Combine(HostCommandLine.HostFolder(), "EventCrm.Host.dll")}}" "$@" --customers 3; fi
                echo "the service starts with $*"
                exit 0 ;;
            esac
            echo "unexpected: dotnet $*" >&2
            exit 64
            """);
        File.SetUnixFileMode(dotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return sandbox;
    }

    private static async Task<(int ExitCode, string Output, string Errors)> Run(string sandbox)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = sandbox };
        start.ArgumentList.Add(Path.Combine(sandbox, "eventcrm"));
        start.ArgumentList.Add("run");
        start.Environment["PATH"] = $"{Path.Combine(sandbox, "bin")}:{Environment.GetEnvironmentVariable("PATH")}";
        start.Environment["Marten__Schema"] = Schema;
        start.Environment["Auth__AdminKey"] = "ecrm_admin_script_scenario_key";
        start.Environment["EVENTCRM_HTTP_PORT"] = $"{HostProcess.FreePort()}";
        using var script = Process.Start(start)!;
        var output = script.StandardOutput.ReadToEndAsync();
        var errors = script.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await script.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            script.Kill(entireProcessTree: true);
            throw new TimeoutException($"./eventcrm run was still running after 2 minutes: stopped. {await output} {await errors}");
        }
        return (script.ExitCode, await output, await errors);
    }

    private static string RealDotnet() => Environment.GetEnvironmentVariable("PATH")!.Split(':')
        .Select(folder => Path.Combine(folder, "dotnet"))
        .First(File.Exists);

    private static async Task DropSchema()
    {
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"drop schema if exists {Schema} cascade", connection);
        await command.ExecuteNonQueryAsync();
    }
}
