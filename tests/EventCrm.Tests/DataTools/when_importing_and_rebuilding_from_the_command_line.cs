using Shouldly;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// The import and rebuild verbs as an operator runs them, in a schema no service runs on: the
/// async ledger is not kept by anyone there until the rebuild command builds it.
/// </summary>
public class when_importing_and_rebuilding_from_the_command_line
{
    // Per test process: developers share one database, and a second run must not drop this one's schema.
    private static readonly string Schema = $"eventcrm_cli_{Environment.ProcessId}";

    [Fact]
    public async Task a_bad_file_is_refused_skipping_imports_the_rest_once_and_rebuilds_build_the_ledgers_and_the_profiles()
    {
        try { await ImportsAndRebuilds(); }
        finally { await DataCommandLine.DropSchema(Schema); }
    }

    private static string[] Progress(string errors) =>
        [.. errors.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("Checking every row") || l.StartsWith("Appending"))];

    private static async Task ImportsAndRebuilds()
    {
        await DataCommandLine.DropSchema(Schema);
        var file = await new HistoryFile()
            .SignUp("cli-a", "2023-01-01T00:00:00Z").Purchase("cli-a", "2023-02-01T00:00:00Z")
            .SignUp("cli-b", "2023-01-02T00:00:00Z").Purchase("cli-b", "2023-02-02T00:00:00Z", amount: "oops")
            .SignUp("cli-c", "2023-01-03T00:00:00Z").SupportCall("cli-c", "2023-03-01T00:00:00Z")
            .SaveAsync();

        var refused = await DataCommandLine.Run(Schema, "import", "--file", file);
        refused.ExitCode.ShouldNotBe(0);
        // The bad rows are results (standard output), the refusal an error (standard error).
        refused.Output.ShouldContain("line 5: amount: must be a number");
        refused.Errors.ShouldContain("nothing was imported");
        // Refused after the check: its pass told whole, no append begun.
        Progress(refused.Errors).ShouldBe(["Checking every row: 0%", "Checking every row: 100%"]);

        var skipped = await DataCommandLine.Run(Schema, "import", "--file", file, "--skip-invalid");
        skipped.ExitCode.ShouldBe(0, skipped.Errors + skipped.Output);
        // One line, whole: written to a pipe, the console no longer breaks it at 80 columns.
        skipped.Output.ShouldMatch(@"(?m)^Import \S+: 5 touchpoints imported, 0 already there, 1 bad row\(s\) skipped, of 6 rows " +
                                   @"\(checked in \d+\.\d s, appended in \d+\.\d s\)\.$");
        // Standard error, a pipe here as `2>err` makes it: each pass in whole lines, once, from 0% to 100% (the six rows
        // are one batch, the whole file: no quarter between). Until 2026-12-07 Spectre's lines said the finished check
        // again during the append and never said the append's 100%.
        Progress(skipped.Errors).ShouldBe(["Checking every row: 0%", "Checking every row: 100%", "Appending touchpoints: 0%", "Appending touchpoints: 100%"]);

        var again = await DataCommandLine.Run(Schema, "import", "--file", file, "--skip-invalid");
        again.Output.ShouldContain("0 touchpoints imported, 5 already there");
        (await DataCommandLine.Count($"select count(*) from {Schema}.mt_events")).ShouldBe(5);

        var rebuilt = await DataCommandLine.Run(Schema, "rebuild", "--projection", "CustomerLedger");
        rebuilt.ExitCode.ShouldBe(0, rebuilt.Errors + rebuilt.Output);
        // Standard output carries the results only: the daemon's log lines go to standard error.
        rebuilt.Output.ShouldNotContain("info:");
        rebuilt.Errors.ShouldContain("info:");
        (await DataCommandLine.Count($"select count(*) from {Schema}.mt_doc_customerledger")).ShouldBe(3);

        await DataCommandLine.Execute($"delete from {Schema}.mt_doc_customerprofile");
        var profiles = await DataCommandLine.Run(Schema, "rebuild", "--projection", "CustomerProfile");
        profiles.ExitCode.ShouldBe(0, profiles.Errors + profiles.Output);
        (await DataCommandLine.Count($"select count(*) from {Schema}.mt_doc_customerprofile where data->>'name' = 'Grace Hopper'")).ShouldBe(3);
        File.Delete(file);
    }
}
