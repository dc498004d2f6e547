using Spectre.Console;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Standard output written to a pipe or a file (a CI log, `> out.txt`, a script reading it) has no
/// width, and Spectre's console then assumes 80 columns: it broke the seed summaries, export's line
/// naming its file and help's descriptions mid-phrase, so a grep for a phrase missed it. There its
/// lines are written whole, and without colours (no escape codes in a file). A terminal keeps
/// Spectre's own detection: its width and its colours.
/// </summary>
public static class RedirectedOutput
{
    /// <summary>
    /// Wider than any line the verbs write (a path may take up to 4,096 bytes); not unbounded, since
    /// a few library widgets (the horizontal rules of `describe`) are drawn across the whole width
    /// (<see cref="RulesCutShort"/> cuts them back).
    /// </summary>
    public const int Width = 8_192;

    /// <summary>Before anything is written, and after <see cref="VerbOutput.StartsAtItsFirstText"/>: the console takes standard output's writer now.</summary>
    public static void WritesWholeLines()
    {
        if (!Console.IsOutputRedirected) return;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(new RulesCutShort(Console.Out)),
        });
        AnsiConsole.Profile.Width = Width;
    }
}
