using System.Reflection;
using JasperFx.CommandLine;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// The Host's own command-line verbs (import, export, replay, seed-demo ...) work on the store and
/// serve no HTTP. Discovering and mapping the Wolverine endpoints is half a second of every start,
/// so a process started for one of them skips it (docs/design.md, "How fast a command starts").
/// Wolverine's and Marten's verbs (codegen, describe, db-apply ...) get the whole application.
/// </summary>
public static class DataVerbs
{
    public static bool Starts(string[] args) => args is [var verb, ..] && Names.Contains(verb);

    /// <summary>
    /// No verb, only the host's own settings (`./eventcrm run` passes `--urls`): the service itself,
    /// run as it is. Through JasperFx it printed "Detected reserved AspNetCore or .NET flags, so
    /// bypassing JasperFx command line" at every start, or, with no argument at all, its search for
    /// verbs, in the operator's terminal.
    /// </summary>
    public static bool Serves(string[] args) => args is [] || (args[0].StartsWith("--") && args[0] != "--help");

    /// <summary>
    /// `run` with an address (`--urls`, `--http_ports`, `--https_ports`): JasperFx then leaves its
    /// command line and runs the host itself, but a start that failed there (the address already in
    /// use) ended with exit code 0, as a clean stop does. The service runs it as it runs with no verb.
    /// </summary>
    public static bool RunsWithAnAddress(string[] args) =>
        args is [var verb, .. var rest] && verb.Equals("run", StringComparison.OrdinalIgnoreCase)
        && rest.Any(arg => AddressFlags.Contains(arg.Split('=')[0]));

    private static readonly HashSet<string> AddressFlags = new(StringComparer.OrdinalIgnoreCase) { "--urls", "--http_ports", "--https_ports" };

    /// <summary>A verb that does its work and ends: ours, JasperFx's or the libraries'. Not the service, with no verb or through `run`.</summary>
    public static bool RunsAVerb(string[] args) => !Serves(args) && !args[0].Equals("run", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// JasperFx lists every assembly it searches for verbs on standard output ("Searching 'Marten,
    /// ...' for commands") until extensions have been applied once in the process; a verb's output
    /// (audit-anchor's JSON, say) then started with a dozen lines of it, and help put them before
    /// its list of verbs. Applying none marks them applied: a WebApplication's host takes no
    /// JasperFx extensions anyway. Done before every verb, ours, JasperFx's help and the libraries'.
    /// </summary>
    public static void QuietenCommandDiscovery() => new CommandFactory().ApplyExtensions(new ServiceCollection());

    public static IReadOnlySet<string> Names { get; } = typeof(DataVerbs).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(IJasperFxCommand).IsAssignableFrom(t))
        .Select(t => t.GetCustomAttribute<DescriptionAttribute>()?.Name)
        .OfType<string>()
        .ToHashSet(StringComparer.OrdinalIgnoreCase);
}
