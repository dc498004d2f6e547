using Shouldly;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// A data team's script runs `rebuild` and reads its standard output, which carries its results
/// only (README, "Command line"): its progress goes to standard error. The side build's store used to print Marten's "Warning: The
/// async daemon is disabled. Projections ... will not be executed" there first, as the rebuild
/// was executing exactly those projections.
/// </summary>
public class when_a_script_reads_what_the_rebuild_command_prints
{
    // Per test process: developers share one database, and a second run must not drop this one's schema.
    private static readonly string Schema = $"eventcrm_cli_rebuild_{Environment.ProcessId}";

    [Fact]
    public async Task its_standard_output_is_its_result_alone_and_nothing_says_the_projection_will_not_run()
    {
        await DataCommandLine.DropSchema(Schema);
        var file = await new HistoryFile().SignUp("cli-r", "2023-01-01T00:00:00Z").Purchase("cli-r", "2023-02-01T00:00:00Z").SaveAsync();
        try
        {
            (await DataCommandLine.Run(Schema, "import", "--file", file)).ExitCode.ShouldBe(0);

            foreach (var projection in new[] { "CustomerLedger", "SpendByCategory" })
            {
                var (exitCode, output, errors) = await DataCommandLine.Run(Schema, "rebuild", "--projection", projection);

                exitCode.ShouldBe(0, errors + output);
                // Its progress, when drawn at all, goes to standard error with the log.
                output.ShouldBe($"Rebuilt {projection}.\n");
                errors.ShouldNotContain("will not be executed");
                // To a pipe, whole lines from the first to the last (Spectre's said "0%" and then nothing until "Rebuilt").
                errors.ShouldContain($"Rebuilding {projection}: 0%\n");
                errors.ShouldContain($"Rebuilding {projection}: 100%\n");
            }
        }
        finally
        {
            File.Delete(file);
            await DataCommandLine.DropSchema(Schema);
        }
    }
}
