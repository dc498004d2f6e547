using Spectre.Console;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// The verbs' progress bars and spinners, drawn on standard error: standard output carries the
/// results only (README, "Command line"). Written to a pipe, Spectre prints a progress that lasts
/// past its first refresh as lines ("Seeding demo customers: 0%"), and those came before the
/// result a script reads first, on a loaded machine only. In a pipe or a file the lines are whole
/// and without colours, as <see cref="RedirectedOutput"/> makes standard output's.
/// </summary>
public static class VerbProgress
{
    private static readonly Lazy<IAnsiConsole> ErrorConsole = new(() =>
    {
        if (!Console.IsErrorRedirected) return AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(Console.Error),
        });
        console.Profile.Width = RedirectedOutput.Width;
        return console;
    });

    public static Progress Bars() => ErrorConsole.Value.Progress();

    public static Status Spinner() => ErrorConsole.Value.Status();
}
