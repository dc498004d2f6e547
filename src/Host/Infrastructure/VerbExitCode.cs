namespace EventCrm.Host.Infrastructure;

/// <summary>
/// JasperFx ends a verb with exit code 0 or 1, from the true or false its Execute returns. A verb
/// that succeeds in more than one way a script must tell apart (seed-demo: seeded now, or the base
/// was already there) names another code for one of them; Program ends the process with it.
/// </summary>
public static class VerbExitCode
{
    /// <summary>A success ending with this exit code (0: the ordinary one).</summary>
    public static bool Success(int exitCode)
    {
        Environment.ExitCode = exitCode;
        return true;
    }

    /// <summary>What the process ends with, given what JasperFx made of the verb's result.</summary>
    public static int Of(int jasperFxExitCode) => jasperFxExitCode == 0 ? Environment.ExitCode : jasperFxExitCode;
}
