namespace EventCrm.Host.Infrastructure;

/// <summary>
/// The lines `./eventcrm run` shows the operator (where the service listens, the admin key, calls
/// to try), handed to the service in <see cref="Variable"/> and printed on standard error once it
/// listens. The script used to print them before starting the service, so a start that failed
/// (the port taken meanwhile, the database gone, a setting refused) read "Starting EventCrm on
/// http://..., health ..." and then "EventCrm did not start: ...". Now a failed start prints only
/// its failure (<see cref="StartRefusals"/>).
/// </summary>
public static class RunBanner
{
    public const string Variable = "EVENTCRM_RUN_BANNER";

    /// <summary>
    /// Prints the banner, if the environment gives one, when the host has started: Kestrel is bound
    /// to every address by then, and the database has answered the schema check at start.
    /// </summary>
    public static void PrintOnceListening(IHostApplicationLifetime lifetime)
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } banner) return;
        lifetime.ApplicationStarted.Register(() =>
        {
            Console.Error.WriteLine(banner);
            Console.Error.WriteLine();
        });
    }
}
