using EventCrm.Host.Audit.Anchors;
using EventCrm.Host.Sharding;
using JasperFx.CommandLine;
using Spectre.Console;

namespace EventCrm.Host.Audit;

public class AuditVerifyInput : NetCoreInput
{
    [Description("Also checks the seals against an anchor that audit-anchor (or GET /api/audit/anchor) wrote to this file")]
    public string? AnchorFlag { get; set; }
}

[Description("Verifies the hash chain of every stream against its seals, and the seals against an anchor if given; exits non-zero on any mismatch", Name = "audit-verify")]
public class AuditVerifyCommand : JasperFxAsyncCommand<AuditVerifyInput>
{
    private const int StreamsPerRead = 500;

    public override async Task<bool> Execute(AuditVerifyInput input)
    {
        using var host = input.BuildHost();
        AuditAnchor? anchor = null;
        if (input.AnchorFlag is { } file && !AnchorFile.TryRead(file, host.Services.GetRequiredService<SealDigests>(), out anchor)) return false;
        var audit = host.Services.GetRequiredService<StreamAudit>();
        var (streamCount, checkedEvents, unsealed, faults) = (0, 0, 0, new List<(string Stream, Projections.Audit.AuditMismatch Mismatch)>());
        foreach (var database in await host.Services.GetRequiredService<CustomerDatabases>().AllAsync())
        {
            await using var connection = await StreamAudit.OpenAsync(database, CancellationToken.None);
            var streams = await audit.StreamIdsAsync(connection, CancellationToken.None);
            streamCount += streams.Count;

            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask($"Verifying streams ({database.Id.Name})", maxValue: Math.Max(1, streams.Count));
                    foreach (var chunk in streams.Chunk(StreamsPerRead))
                    {
                        foreach (var (stream, report) in await audit.VerifyAsync(connection, chunk, CancellationToken.None))
                        {
                            (checkedEvents, unsealed) = (checkedEvents + report.Checked, unsealed + report.Unsealed);
                            if (report.FirstMismatch is { } mismatch) faults.Add((stream, mismatch));
                        }
                        task.Increment(chunk.Length);
                    }
                });
        }

        foreach (var (stream, m) in faults)
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(stream)}[/]: sequence {m.Sequence} (version {m.Version}, touchpoint {Markup.Escape(m.TouchpointId ?? "?")}): {Markup.Escape(m.Problem)}");
        AnsiConsole.MarkupLine($"{streamCount:N0} streams, {checkedEvents:N0} events verified, {unsealed:N0} not sealed yet, " +
                               (faults.Count == 0 ? "[green]no mismatch[/]" : $"[red]{faults.Count} stream(s) altered[/]"));
        if (anchor is null) return faults.Count == 0;
        var check = await host.Services.GetRequiredService<SealDigests>().VerifyAsync(anchor, CancellationToken.None);
        AnchorFile.Print(check);
        return faults.Count == 0 && check.Valid;
    }
}
