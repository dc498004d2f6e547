using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

/// <summary>
/// Two `./eventcrm run` in one folder share its .data/service.pid and its HTTP port. The second used
/// to be refused only once the first served: started while the first built or seeded (a minute on
/// a fresh clone), it went on, failed to bind the port, and left its own PID in the file, so that
/// `./eventcrm stop` said nothing of the first service and left it running. Now it is refused at
/// once, naming the first, and `stop` still stops the first. A stand-in for dotnet whose seeder
/// holds plays the Host (<see cref="ScriptSandbox.WithHeldSeeder"/>).
/// </summary>
public class when_a_second_run_starts_in_the_same_folder
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task it_is_refused_while_the_first_still_seeds_and_stop_stops_the_first()
    {
        using var sandbox = ScriptSandbox.WithHeldSeeder();
        var environment = Environment();
        using var first = sandbox.Start(environment, "run");
        await first.Said("==> Seeding demo data", Soon);

        var second = await sandbox.Run(environment, Soon, "run");

        second.ExitCode.ShouldBe(1, second.Errors);
        second.Errors.Trim().ShouldBe(
            $"==> Another ./eventcrm run is starting in this folder (pid {first.Pid}): wait for it and use its service, or ./eventcrm stop it first.");

        File.Delete(sandbox.PathOf("hold"));
        await first.Said("==> EventCrm is listening on ", Soon);
        await Until(() => File.Exists(sandbox.PathOf("serving")));

        var stop = await sandbox.Run(environment, Soon, "stop", "demo");

        stop.ExitCode.ShouldBe(0, stop.Errors);
        stop.Errors.ShouldContain($"==> Stopping the service (pid {first.Pid})...");
        var ended = await first.Ended(Soon);
        ended.ExitCode.ShouldBe(0, ended.Errors);
    }

    private static Dictionary<string, string> Environment() => new()
    {
        // Given, so that no cluster is started; the stand-in reaches no database.
        ["ConnectionStrings__EventCrm"] = "Host=127.0.0.1;Database=not_used_by_the_stand_in",
        ["Auth__AdminKey"] = "ecrm_admin_script_scenario_key",
        ["EVENTCRM_HTTP_PORT"] = $"{HostProcess.FreePort()}",
    };

    private static async Task Until(Func<bool> condition)
    {
        var until = DateTime.UtcNow + Soon;
        while (!condition()) { if (DateTime.UtcNow > until) throw new TimeoutException(); await Task.Delay(100); }
    }
}
