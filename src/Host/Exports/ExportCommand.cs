using EventCrm.Host.Sharding;
using EventCrm.Host.Infrastructure;
using System.Diagnostics;
using System.IO.Pipelines;
using JasperFx.CommandLine;
using Spectre.Console;

namespace EventCrm.Host.Exports;

public class ExportInput : NetCoreInput
{
    // Explicit short flags: JasperFx derives them from first letters, which gave -f to --from and
    // --format and -t to --to and --types, and -c to --customer and NetCoreInput's --contentroot.
    [Description("Recorded time from (inclusive), ISO 8601, e.g. 2025-01-01")]
    [FlagAlias("from", true)]
    public string? FromFlag { get; set; }

    [Description("Recorded time to (exclusive), ISO 8601")]
    [FlagAlias("to", true)]
    public string? ToFlag { get; set; }

    [Description("Comma list of event type names, e.g. purchase,refund")]
    [FlagAlias("types", 't')]
    public string? TypesFlag { get; set; }

    [Description("One customer's stream only")]
    [FlagAlias("customer", true)]
    public string? CustomerFlag { get; set; }

    [Description("ndjson (default) or csv")]
    [FlagAlias("format", 'f')]
    public string FormatFlag { get; set; } = "ndjson";

    [Description("File to write")]
    [FlagAlias("out", 'o')]
    public string? OutFlag { get; set; }

    [Description("CSV only: an apostrophe before any cell a spreadsheet would take for a formula (=, +, -, @)")]
    [FlagAlias("spreadsheet-safe", 's')]
    public bool SpreadsheetSafeFlag { get; set; }
}

[Description("Exports customer events in global order to an NDJSON or CSV file", Name = "export")]
public class ExportCommand : DataVerb<ExportInput>
{
    protected override async Task<bool> Run(ExportInput input)
    {
        if (string.IsNullOrWhiteSpace(input.OutFlag)) return Fail("--out FILE is required");
        if (EventExportFormats.Named(input.FormatFlag, input.SpreadsheetSafeFlag) is not { } format) return Fail($"--format must be ndjson or csv, not '{input.FormatFlag}'");
        if (input.SpreadsheetSafeFlag && format is not CsvFormat) return Fail("--spreadsheet-safe applies to --format csv only");
        if (Path.GetDirectoryName(Path.GetFullPath(input.OutFlag)) is { } folder && !Directory.Exists(folder))
            return Fail($"--out {input.OutFlag}: no such directory ({folder})");

        using var host = input.BuildHost();
        var export = host.Services.GetRequiredService<EventExport>();
        if (await host.Services.GetRequiredService<EventLogCheck>().LogProblemAsync("nothing to export there", CancellationToken.None) is { } missing)
            return Fail(missing);
        if (await CustomerDatabasePlaceCheck.ReadingRefusalAsync(host.Services, "export") is { } layout) return Fail(layout);
        var (filter, errors) = EventExportFilter.Parse(input.FromFlag, input.ToFlag, input.TypesFlag, input.CustomerFlag, export.Source.KnownTypes);
        if (errors.Count > 0) return Fail(string.Join("; ", errors.Select(e => $"--{(e.Key == "customerId" ? "customer" : e.Key)} {string.Join(" ", e.Value)}")));

        // The count and the rows from one snapshot: appends meanwhile are in neither (the next export has them).
        await using var snapshot = await export.Source.SnapshotAsync(filter, CancellationToken.None);
        var total = await snapshot.CountAsync(CancellationToken.None);
        var clock = Stopwatch.StartNew();
        long written = 0;
        // Written beside the target and moved over it once complete: an export that fails half-way
        // leaves no truncated file, and an earlier export at that path is kept until then.
        var partial = $"{input.OutFlag}.partial";
        try
        {
            await using (var file = File.Create(partial))
            {
                var output = PipeWriter.Create(file, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024, leaveOpen: true));
                var described = $"Exporting {total:N0} events";
                if (VerbProgress.ToPipeOrFile)
                {
                    // A few whole lines, whatever the export's length: Spectre's lines began after a second, and most exports end sooner.
                    var lines = VerbProgress.Lines(described, total);
                    written = await export.WriteAsync(snapshot, format, output, lines.Report, CancellationToken.None);
                    lines.Done();
                }
                else await VerbProgress.Bars()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask(described, maxValue: Math.Max(total, 1));
                        written = await export.WriteAsync(snapshot, format, output, n => task.Value = n, CancellationToken.None);
                        task.Value = task.MaxValue;
                    });
                await output.CompleteAsync();
            }
            File.Move(partial, input.OutFlag, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail($"--out {input.OutFlag}: cannot be written: {e.Message}");
        }
        finally
        {
            // Gone after the move; never created when the file could not be.
            if (File.Exists(partial)) File.Delete(partial);
        }

        var rate = written / Math.Max(clock.Elapsed.TotalSeconds, 0.001);
        AnsiConsole.MarkupLine($"[green]Exported {written:N0} events to {Markup.Escape(input.OutFlag)} in {clock.Elapsed.TotalSeconds:N1} s ({rate:N0} events/s).[/]");
        return true;
    }

    private static bool Fail(string message) => CommandFailure.Report("export", message);
}
