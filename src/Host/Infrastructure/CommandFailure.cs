namespace EventCrm.Host.Infrastructure;

/// <summary>
/// A command's refusal goes to standard error: a script reading a command's output (an anchor's
/// JSON, a replay's summary) never takes an error for a result.
/// </summary>
public static class CommandFailure
{
    public static bool Report(string verb, string message)
    {
        Console.Error.WriteLine($"{verb}: {message}");
        return false;
    }
}
