using EventCrm.Tests.DataTools;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

/// <summary>
/// An operator's <c>import</c> meets the 26000 error ("prepared statement ... does not exist", what a pooled connection out of step
/// answers) on every run: the import runs again twice on fresh connections, then stops. The operator reads one line on standard
/// error saying so and to run the same command again, exit 1, no stack trace; run again once the fault is gone, it imports the file.
/// </summary>
public class when_an_import_command_is_stopped_by_connections_out_of_step
{
    // Per test process: developers share one database, and a second run must not drop this one's schema.
    private static readonly string Schema = $"eventcrm_cli_out_of_step_{Environment.ProcessId}";

    [Fact]
    public async Task it_says_so_in_one_line_and_to_run_it_again_and_run_again_it_imports_the_file()
    {
        try { await StoppedThenRunAgain(); }
        finally { await DataCommandLine.DropSchema(Schema); }
    }

    private static async Task StoppedThenRunAgain()
    {
        await DataCommandLine.DropSchema(Schema);
        var first = await new HistoryFile().SignUp("cli-out-of-step-a", "2023-01-01T00:00:00Z").SaveAsync();
        var file = await new HistoryFile()
            .SignUp("cli-out-of-step-b", "2023-01-02T00:00:00Z").Purchase("cli-out-of-step-b", "2023-02-02T00:00:00Z")
            .SaveAsync();
        // The schema made by a first import; then every event written fails as a connection out of step does.
        (await DataCommandLine.Run(Schema, "import", "--file", first)).ExitCode.ShouldBe(0);
        await DataCommandLine.Execute(
            $"create function {Schema}.out_of_step() returns trigger language plpgsql as $$ begin " +
            "raise exception 'prepared statement \"_auto7\" does not exist' using errcode = '26000'; end $$; " +
            $"create trigger out_of_step before insert on {Schema}.mt_events for each row execute function {Schema}.out_of_step()");

        var (exit, output, errors) = await DataCommandLine.Run(Schema, "import", "--file", file);

        exit.ShouldBe(1, errors + output);
        // The two runs again on fresh connections are logged (standard error), then the verb's one line.
        errors.ShouldContain("attempt 2 of 3");
        errors.ShouldContain("attempt 3 of 3");
        var said = errors.Split('\n').Where(l => l.StartsWith("import: ", StringComparison.Ordinal)).ToList();
        said.Count.ShouldBe(1, errors);
        said[0].ShouldStartWith("import: a database connection had lost track of its prepared statements (");
        said[0].ShouldContain("prepared statement \"_auto7\" does not exist");
        said[0].TrimEnd().ShouldEndWith("and the command stopped. Run the same command again: an import appends only the rows not stored yet, " +
                                        "a replay goes on after its last customer written.");
        (output + errors).ShouldNotContain("   at ");
        output.ShouldNotContain("Exception");
        (await DataCommandLine.Count($"select count(*) from {Schema}.mt_events where stream_id = 'cli-out-of-step-b'")).ShouldBe(0);

        // Once the fault is gone the same command imports the file: a signup and a purchase, both new.
        await DataCommandLine.Execute($"drop trigger out_of_step on {Schema}.mt_events");
        var again = await DataCommandLine.Run(Schema, "import", "--file", file);
        again.ExitCode.ShouldBe(0, again.Errors + again.Output);
        again.Output.ShouldContain("2 touchpoints imported, 0 already there");
        File.Delete(first);
        File.Delete(file);
    }
}
