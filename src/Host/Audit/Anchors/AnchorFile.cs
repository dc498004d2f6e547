using EventCrm.Host.Infrastructure;
using Spectre.Console;

namespace EventCrm.Host.Audit.Anchors;

/// <summary>An anchor kept in a file, for <c>audit-verify --anchor</c>.</summary>
public static class AnchorFile
{
    /// <summary>The anchor in the file, read as strictly as <c>POST /api/audit/anchor/verify</c> reads it; else one line on standard error.</summary>
    public static bool TryRead(string file, SealDigests digests, out AuditAnchor anchor)
    {
        anchor = null!;
        byte[] json;
        try
        {
            json = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail($"--anchor: cannot read {file}: {e.Message}");
        }
        // An editor may have saved it with a byte order mark, which the JSON parser does not skip in bytes.
        var (read, problem) = AnchorToVerify.Parse(json.AsMemory(json.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0));
        if (read is null) return Fail($"--anchor: {file} {problem}");
        if (read.Read(out anchor) is { Count: > 0 } errors) return Fail($"--anchor: {file} is not an anchor: {AnchorToVerify.InOneLine(errors)}");
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

    // One line whatever the file holds: a field name or value may carry a line break.
    private static bool Fail(string message) => CommandFailure.Report("audit-verify", message.ReplaceLineEndings(" "));
}
