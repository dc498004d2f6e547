using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

/// <summary>
/// A `./eventcrm run` stopped while it still builds or seeds (the seeding of the demo base takes a
/// minute) stops that step too. A SIGTERM to the script alone (kill PID, a supervisor, a closed
/// terminal's SIGHUP) used to end the script and leave the seeder appending on its own, and
/// `./eventcrm stop` did not know the run before it served. A stand-in for dotnet whose seeder
/// holds plays the Host (<see cref="ScriptSandbox.WithHeldSeeder"/>).
/// </summary>
public class when_a_run_is_stopped_before_it_serves
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task a_sigterm_to_the_script_stops_its_seeder()
    {
        using var sandbox = ScriptSandbox.WithHeldSeeder();
        using var run = sandbox.Start(Environment(), "run");
        var seeder = await Seeder(sandbox, run);
        try
        {
            Signal("TERM", run.Pid);

            var ended = await run.Ended(Soon);
            ended.ExitCode.ShouldBe(128 + 15, ended.Errors);
            ended.Errors.ShouldContain("==> Interrupted (SIGTERM): stopping the seeder...");
            ScriptSandbox.IsRunning(seeder).ShouldBeFalse("the seeder outlived the run");
            File.Exists(sandbox.PathOf(".data/service.pid")).ShouldBeFalse("the run left its PID behind");
        }
        finally
        {
            File.Delete(sandbox.PathOf("hold"));
        }
    }

    [Fact]
    public async Task stop_from_another_terminal_stops_it_and_its_seeder()
    {
        using var sandbox = ScriptSandbox.WithHeldSeeder();
        using var run = sandbox.Start(Environment(), "run");
        var seeder = await Seeder(sandbox, run);
        try
        {
            var stop = await sandbox.Run(Environment(), Soon, "stop");

            stop.ExitCode.ShouldBe(0, stop.Errors);
            stop.Errors.ShouldContain($"==> Stopping the ./eventcrm run still starting (pid {run.Pid})...");
            var ended = await run.Ended(Soon);
            ended.ExitCode.ShouldBe(128 + 15, ended.Errors);
            ScriptSandbox.IsRunning(seeder).ShouldBeFalse("the seeder outlived the run");
            File.Exists(sandbox.PathOf("serving")).ShouldBeFalse("the service started after all");
        }
        finally
        {
            File.Delete(sandbox.PathOf("hold"));
        }
    }

    private static async Task<int> Seeder(ScriptSandbox sandbox, ScriptSandbox.Script run)
    {
        await run.Said("==> Seeding demo data", Soon);
        var file = sandbox.PathOf("seeder.pid");
        var until = DateTime.UtcNow + Soon;
        while (!File.Exists(file) || File.ReadAllText(file).Trim().Length == 0)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("the seeder never started");
            await Task.Delay(100);
        }
        return int.Parse(File.ReadAllText(file).Trim());
    }

    private static void Signal(string signal, int pid) =>
        System.Diagnostics.Process.Start("kill", ["-" + signal, $"{pid}"])!.WaitForExit();

    private static Dictionary<string, string> Environment() => new()
    {
        // Given, so that no cluster is started; the stand-in reaches no database.
        ["ConnectionStrings__EventCrm"] = "Host=127.0.0.1;Database=not_used_by_the_stand_in",
        ["Auth__AdminKey"] = "ecrm_admin_script_scenario_key",
        ["EVENTCRM_HTTP_PORT"] = $"{HostProcess.FreePort()}",
    };
}
