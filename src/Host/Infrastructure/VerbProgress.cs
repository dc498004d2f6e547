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

    /// <summary>Whether progress goes to a pipe or a file, where <see cref="Lines"/> tells it in a few whole lines.</summary>
    public static bool ToPipeOrFile => Console.IsErrorRedirected;

    /// <summary>
    /// A progress told in a few whole lines on standard error, for a pipe or a file: "Exporting 3,000 events: 0%" at the
    /// start, then a line each time it passes another quarter (with the percentage reached, "33%"), then "100%". Spectre's
    /// own lines come at its refreshes, a second apart: a task done within the first one printed nothing at all.
    /// </summary>
    /// <param name="stepPercent">A line each time it passes another step: a quarter by default; a tenth for a rebuild, which
    /// polls its position every half second and may run for minutes with nothing else said.</param>
    public static ProgressLines Lines(string description, long total, int stepPercent = 25) => new(description, total, Console.Error, stepPercent);
}

/// <summary>See <see cref="VerbProgress.Lines"/>.</summary>
public sealed class ProgressLines
{
    private readonly string _description;
    private readonly long _total;
    private readonly TextWriter _to;
    private readonly int _step;
    private int _stepsTold;

    public ProgressLines(string description, long total, TextWriter to, int stepPercent = 25)
    {
        (_description, _total, _to, _step) = (description, Math.Max(total, 1), to, Math.Clamp(stepPercent, 1, 100));
        _to.WriteLine($"{_description}: 0%");
    }

    /// <param name="done">How many are done so far.</param>
    public void Report(long done)
    {
        var percent = (int)Math.Min(100, done * 100 / _total);
        if (percent / _step <= _stepsTold) return;
        _stepsTold = percent / _step;
        _to.WriteLine($"{_description}: {percent}%");
    }

    /// <summary>Said once all is done, if the last report did not say it (nothing to do says 0% then 100%).</summary>
    public void Done()
    {
        if (_stepsTold == 100 / _step) return;
        _stepsTold = 100 / _step;
        _to.WriteLine($"{_description}: 100%");
    }
}
