using EventCrm.Host.Sharding;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Audit.Anchors;
using JasperFx.CommandLine;
using Spectre.Console;

namespace EventCrm.Host.Audit;

public class AuditVerifyInput : NetCoreInput
{
    // Long names only: JasperFx derives short flags from first letters, which gave -a to --anchor,
    // --all-sealed and NetCoreInput's --applicationname at once.
    [Description("Also checks the seals against an anchor that audit-anchor (or GET /api/audit/anchor) wrote to this file")]
    [FlagAlias("anchor", true)]
    public string? AnchorFlag { get; set; }

    [Description("Also fails when some events are not sealed yet: then they were not checked (the sealer is behind, or no node runs it)")]
    [FlagAlias("all-sealed", true)]
    public bool AllSealedFlag { get; set; }
}

[Description("Verifies the hash chain of every stream against its seals, and the seals against an anchor if given; exits non-zero on any mismatch", Name = "audit-verify")]
public class AuditVerifyCommand : DataVerb<AuditVerifyInput>
{
    protected override async Task<bool> Run(AuditVerifyInput input)
    {
        using var host = input.BuildHost();
        if (await host.Services.GetRequiredService<EventLogCheck>().AuditedLogProblemAsync(CancellationToken.None) is { } missing)
            return CommandFailure.Report("audit-verify", missing);
        if (await CustomerDatabasePlaceCheck.ReadingRefusalAsync(host.Services, "audit-verify") is { } layout) return CommandFailure.Report("audit-verify", layout);
        AuditAnchor? anchor = null;
        if (input.AnchorFlag is { } file && !AnchorFile.TryRead(file, host.Services.GetRequiredService<SealDigests>(), out anchor)) return false;

        LogAuditReport report = null!;
        if (VerbProgress.ToPipeOrFile)
        {
            var lines = new ProgressLinesPerDatabase(Console.Error);
            report = await host.Services.GetRequiredService<LogAudit>().VerifyAsync(lines, CancellationToken.None);
            lines.Done();
        }
        else await VerbProgress.Bars()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress => report = await host.Services.GetRequiredService<LogAudit>().VerifyAsync(new Bars(progress), CancellationToken.None));

        // Each database numbers its own events: over several, "sequence 5" says nothing without the database.
        var sharded = host.Services.GetRequiredService<CustomerDatabases>().Sharded;
        foreach (var altered in report.Altered) PrintMismatches(altered, sharded ? $"{altered.Database} " : "");
        AnsiConsole.MarkupLine($"{report.Streams:N0} streams, {report.Checked:N0} events verified, {report.Unsealed:N0} not sealed yet, " +
                               (report.Erased > 0 ? $"{report.Erased:N0} with personal data erased (recorded), " : "") +
                               (report.Valid ? "[green]no mismatch[/]" : $"[red]{report.Altered.Count} stream(s) altered[/]"));
        var allChecked = !input.AllSealedFlag || report.Unsealed == 0;
        if (!allChecked)
            AnsiConsole.MarkupLine($"[red]{report.Unsealed:N0} event(s) not sealed yet, so not checked[/] (--all-sealed): is a node running the audit-seals subscription?");
        if (anchor is null) return report.Valid && allChecked;
        var check = await host.Services.GetRequiredService<SealDigests>().VerifyAsync(anchor, CancellationToken.None);
        AnchorFile.Print(check);
        return report.Valid && allChecked && check.Valid;
    }

    /// <summary>
    /// The stream's first mismatch on its line (as before every mismatch was reported), the others listed under it: an
    /// auditor sees at once whether the altered event is the only one.
    /// </summary>
    /// <param name="database">"db1 " before each line when the log spans several databases, else nothing (as before).</param>
    private static void PrintMismatches(AlteredStream altered, string database)
    {
        AnsiConsole.MarkupLine($"{Markup.Escape(database)}[red]{Markup.Escape(altered.CustomerId)}[/]: {Said(altered.FirstMismatch)}");
        foreach (var m in altered.Mismatches.Skip(1)) AnsiConsole.MarkupLine($"  {Markup.Escape(database)}{Said(m)}");
        var notListed = altered.MismatchCount - altered.Mismatches.Count;
        if (notListed > 0)
            AnsiConsole.MarkupLine($"  [red]and {notListed:N0} more mismatch{(notListed == 1 ? "" : "es")} not listed[/] " +
                                   $"({altered.MismatchCount:N0} in this stream, the first {altered.Mismatches.Count:N0} listed)");
    }

    private static string Said(Projections.Audit.AuditMismatch m) =>
        $"sequence {m.Sequence} (version {m.Version}, touchpoint {Markup.Escape(m.TouchpointId ?? "?")}): {Markup.Escape(m.Problem)}";

    /// <summary>One progress bar per database.</summary>
    private sealed class Bars(ProgressContext progress) : ILogAuditProgress
    {
        private ProgressTask? _current;

        public void Starting(string database, int streams)
        {
            _current?.StopTask();
            _current = progress.AddTask($"Verifying streams ({database})", maxValue: Math.Max(1, streams));
        }

        public void Verified(int streams) => _current?.Increment(streams);
    }
}
