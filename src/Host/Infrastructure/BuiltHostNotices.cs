using Spectre.Console;
using Spectre.Console.Rendering;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// The libraries' verbs that print data (event-query, stream-query, projections, projection-run)
/// first ask the application's builder to take every logger off the console. The Host hands
/// JasperFx an application already built, so JasperFx cannot, and said so on standard output:
/// "Cannot override services when the IHost is already constructed" came before their JSON, which
/// a script then could not parse. What they asked for is done another way: a verb's log goes to
/// standard error (Program). So that notice is left out; everything else is written as it comes.
/// </summary>
public static class BuiltHostNotices
{
    /// <summary>After <see cref="RedirectedOutput.WritesWholeLines"/>, which may replace the console.</summary>
    public static void LeftOut() => AnsiConsole.Console = new WithoutBuiltHostNotices(AnsiConsole.Console);

    /// <summary>JasperFx's three: host configuration, app configuration and services.</summary>
    public static bool IsNotice(string text) =>
        text.StartsWith("Cannot override ", StringComparison.Ordinal) &&
        text.TrimEnd().EndsWith("when the IHost is already constructed", StringComparison.Ordinal);

    private sealed class WithoutBuiltHostNotices(IAnsiConsole console) : IAnsiConsole
    {
        // Wide enough that the notice is read in one piece, whatever the terminal's width.
        private const int UnwrappedWidth = 1_000;

        public Profile Profile => console.Profile;
        public IAnsiConsoleCursor Cursor => console.Cursor;
        public IAnsiConsoleInput Input => console.Input;
        public IExclusivityMode ExclusivityMode => console.ExclusivityMode;
        public RenderPipeline Pipeline => console.Pipeline;

        public void Clear(bool home) => console.Clear(home);
        public void WriteAnsi(Action<AnsiWriter> action) => console.WriteAnsi(action);

        public void Write(IRenderable renderable)
        {
            if (renderable is Markup markup && IsNotice(TextOf(markup))) return;
            console.Write(renderable);
        }

        private string TextOf(IRenderable markup) =>
            string.Concat(markup.Render(RenderOptions.Create(console, console.Profile.Capabilities), UnwrappedWidth).Select(segment => segment.Text));
    }
}
