using EventCrm.Host.Infrastructure;
using EventCrm.Host.Sharding;
using JasperFx.CommandLine;
using Marten;
using Spectre.Console;

namespace EventCrm.Host.Imports;

public class ImportInput : NetCoreInput
{
    [Description("The history file (CSV, see docs/import.md)")]
    public string? FileFlag { get; set; }

    [Description("Append the valid rows and report the bad ones, instead of refusing the whole file")]
    public bool SkipInvalidFlag { get; set; }
}

[Description("Imports ERP/CRM history from a CSV file as back-dated touchpoints (idempotent)", Name = "import")]
public class ImportCommand : DataVerb<ImportInput>
{
    protected override async Task<bool> Run(ImportInput input)
    {
        if (string.IsNullOrWhiteSpace(input.FileFlag)) return Fail("--file FILE is required");
        if (!File.Exists(input.FileFlag)) return Fail($"No such file: {input.FileFlag}");

        using var host = input.BuildHost();
        var import = host.Services.GetRequiredService<TouchpointImport>();
        await host.Services.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        if (await CustomerDatabasePlaceCheck.RefusalAsync(host.Services) is { } layout) return Fail(layout);
        ImportReport report;
        if (VerbProgress.ToPipeOrFile)
        {
            // A few whole lines a pass, as the export tells its own. Spectre's, to a pipe or a file, said the finished
            // check again at each refresh of the append ("Checking every row: 100%" five times among "Appending 57%"),
            // cut the lines at the width, and missed the append's 100% when it ended between two refreshes.
            var passes = new Dictionary<ImportPhase, ProgressLines>();
            report = await import.RunAsync(input.FileFlag, input.SkipInvalidFlag, (phase, done) =>
            {
                lock (passes)
                {
                    if (!passes.TryGetValue(phase, out var lines)) passes[phase] = lines = VerbProgress.Lines(Described(phase), PerMille);
                    lines.Report((long)(done * PerMille));
                }
            }, CancellationToken.None);
        }
        else
        {
            ImportReport? shown = null;
            await VerbProgress.Bars()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async progress =>
                {
                    var checking = progress.AddTask(Described(ImportPhase.Checking), maxValue: 1);
                    var appending = progress.AddTask(Described(ImportPhase.Appending), maxValue: 1, autoStart: false);
                    shown = await import.RunAsync(input.FileFlag, input.SkipInvalidFlag, (phase, done) =>
                    {
                        var task = phase == ImportPhase.Checking ? checking : appending;
                        if (!task.IsStarted) task.StartTask();
                        task.Value = done;
                    }, CancellationToken.None);
                });
            report = shown!;
        }

        foreach (var error in report.Rejected)
            Console.WriteLine($"line {error.Line}: {error.Reason}");
        if (report.RejectedTotal > report.Rejected.Count)
            Console.WriteLine($"... and {report.RejectedTotal - report.Rejected.Count:N0} more bad row(s): the first {report.Rejected.Count:N0} are listed");
        return report.Outcome switch
        {
            ImportOutcome.Refused when report.FileError is { } fileError => Fail($"{input.FileFlag}: {fileError}. Nothing was imported."),
            ImportOutcome.Refused => Fail($"{report.RejectedTotal:N0} bad row(s) of {report.Rows:N0}; nothing was imported. " +
                "Fix them, or run again with --skip-invalid to import the valid rows."),
            ImportOutcome.Stopped => Fail($"Stopped at line {report.StoppedAtLine} after {report.Imported:N0} touchpoints: " +
                "the rows before it are imported; fix the row and run the same import again to finish."),
            _ => Done(report),
        };
    }

    private static bool Done(ImportReport report)
    {
        AnsiConsole.MarkupLine($"[green]Import {report.ImportId}: {report.Imported:N0} touchpoints imported, {report.Repeated:N0} already there, " +
            $"{report.RejectedTotal:N0} bad row(s) skipped, of {report.Rows:N0} rows " +
            $"(checked in {report.Checking.TotalSeconds:N1} s, appended in {report.Appending.TotalSeconds:N1} s).[/]");
        return true;
    }

    /// <summary>A pass's progress comes as the fraction of the file read: told in thousandths.</summary>
    private const long PerMille = 1_000;

    private static string Described(ImportPhase phase) => phase == ImportPhase.Checking ? "Checking every row" : "Appending touchpoints";

    private static bool Fail(string message) => CommandFailure.Report("import", message);
}
