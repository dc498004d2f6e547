using EventCrm.Host.Infrastructure;
using System.Text.Json;
using Spectre.Console;

namespace EventCrm.Host.Audit.Anchors;

/// <summary>An anchor kept in a file, for <c>audit-verify --anchor</c>.</summary>
public static class AnchorFile
{
    public static bool TryRead(string file, SealDigests digests, out AuditAnchor anchor)
    {
        anchor = null!;
        AnchorToVerify? read;
        try
        {
            read = JsonSerializer.Deserialize<AnchorToVerify>(File.ReadAllText(file), AuditAnchorCommand.Json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return Fail($"--anchor: cannot read {file}: {e.Message}");
        }
        if (read is null) return Fail($"--anchor: {file} holds no anchor");
        if (read.Read(out anchor) is { Count: > 0 } errors)
            return Fail($"--anchor: {file} is not an anchor: " + string.Join("; ", errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}")));
        if (digests.Unknown(anchor) is { } unknown) return Fail($"--anchor: {unknown}");
        return true;
    }

    public static void Print(AnchorCheck check)
    {
        foreach (var d in check.Databases)
            AnsiConsole.MarkupLine(d.Status switch
            {
                AnchorStatus.Unchanged => $"Anchor, {Markup.Escape(d.Database)}: the {d.Seals:N0} seals up to sequence {d.Sequence:N0} are unchanged [green](digest {d.Digest})[/]",
                AnchorStatus.NotSealedYet => $"[yellow]Anchor, {Markup.Escape(d.Database)}: not checked[/]: {Markup.Escape(d.Reason!)}",
                _ => $"[red]Anchor, {Markup.Escape(d.Database)}: the seals up to sequence {d.Sequence:N0} changed[/]: {d.Seals:N0} seals (anchor: {d.ExpectedSeals:N0}), " +
                     $"digest {d.Digest} (anchor: {d.ExpectedDigest})",
            });
    }

    private static bool Fail(string message) => CommandFailure.Report("audit-verify", message);
}
