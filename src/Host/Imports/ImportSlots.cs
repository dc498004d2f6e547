using EventCrm.Host.Infrastructure;

namespace EventCrm.Host.Imports;

/// <summary>
/// How many imports sent over HTTP run at once (<see cref="MaxConcurrentKey"/>). Each spools a body of
/// up to 256 MB to the temporary folder, keeps up to 100,000 checked rows in memory (about 80 MB) and
/// appends through the writers the touchpoints share: without a bound, a burst of uploads filled the
/// disk and the memory. One arriving while every slot is taken is refused at once, before its body is
/// read. The import command is not counted: it runs in a process of its own.
/// </summary>
public sealed class ImportSlots(IConfiguration configuration) : ConcurrencySlots(configuration, MaxConcurrentKey, DefaultMaxConcurrent)
{
    public const string MaxConcurrentKey = "Import:MaxConcurrent";
    public const int DefaultMaxConcurrent = 2;
    /// <summary>An import of a large file takes a minute or more: asking again sooner would only be refused again.</summary>
    public const int RetryAfterSeconds = 30;

    /// <summary><see cref="MaxConcurrentKey"/>, checked at start (<see cref="Settings.CheckAtStart"/>).</summary>
    public static int MaxConcurrentOf(IConfiguration configuration) => MaxOf(configuration, MaxConcurrentKey, DefaultMaxConcurrent);
}
