namespace EventCrm.Host.Infrastructure;

/// <summary>
/// A verb's standard output carries its results and nothing else (README, "Command line"): no
/// leading empty line, no line broken at 80 columns in a pipe, no JasperFx notice before a
/// library verb's JSON. The service's own output is left as the framework writes it.
/// </summary>
public static class VerbConsole
{
    /// <summary>Before anything is written: the console takes standard output's writer when first used.</summary>
    public static void Prepare(string[] args)
    {
        var verb = !DataVerbs.Serves(args);
        if (verb) VerbOutput.StartsAtItsFirstText();
        RedirectedOutput.WritesWholeLines();
        if (verb) BuiltHostNotices.LeftOut();
    }
}
