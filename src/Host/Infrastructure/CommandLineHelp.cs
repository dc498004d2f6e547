using JasperFx.CommandLine;
using JasperFx.CommandLine.Help;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// Help is answered before the application is built. Through the built application it needed a
/// database: mapping the endpoints for JasperFx's help read the store's connection string, so on a
/// machine with nothing configured `help` said "No database configured" and nothing else. Help
/// only reads the verbs' descriptions and flags; here it reads them without a host.
/// </summary>
public static class CommandLineHelp
{
    /// <summary>
    /// Library verbs that the Host's help does not list and that it refuses as unknown, each for a
    /// reason a user of this service would meet. A library verb added by an upgrade is listed until
    /// it is judged here (when_reading_the_list_of_verbs names every verb help lists).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Withheld { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        // Wolverine's description for its CritterWatch console: it has no description of its own (help showed
        // its class name), and it runs the whole service (Kestrel on a port, the daemon, the retention
        // workflow) to write wolverine.json in the current folder, then ends with a critical log entry.
        ["capabilities"] = "writes a description for a monitoring console this service does not use",
    };

    private static readonly string[] HelpVerbs = ["help", "?"];

    /// <summary>
    /// Whether the arguments ask for help: `help [verb]`, `? [verb]`, `--help`, a verb with `--help`
    /// anywhere after it (`import --file x.csv --help`, as most command lines take it), or a withheld verb.
    /// </summary>
    public static bool Asked(string[] args) => args switch
    {
        [var first, ..] when HelpVerbs.Contains(first, StringComparer.OrdinalIgnoreCase) || Withheld.ContainsKey(first) => true,
        _ => args.Contains("--help"),
    };

    /// <summary>Writes the help asked for with JasperFx's own help command; the exit code (0, or 1 for a verb that does not exist).</summary>
    public static async Task<int> Answer(string[] args)
    {
        // Before the verbs are registered, or JasperFx lists every assembly it searches on standard output.
        DataVerbs.QuietenCommandDiscovery();
        var verbs = new CommandFactory();
        verbs.RegisterCommands(typeof(HelpCommand).Assembly);
        verbs.RegisterCommands(typeof(CommandLineHelp).Assembly);
        verbs.RegisterCommandsFromExtensionAssemblies();
        var offered = Offered(verbs.AllCommandTypes()).ToArray();

        var verb = VerbAskedAbout(args);
        // A flag where the verb goes (`help --bogus`) is no verb: JasperFx's help threw on it, unhandled.
        var unknown = verb is not null && (Withheld.ContainsKey(verb) || verb.StartsWith('-'));
        var run = unknown ? verbs.InvalidCommandRun(verb!) : verbs.HelpRun(new Queue<string>(verb is null ? [] : [verb]));
        var input = (HelpInput)run.Input;
        input.CommandTypes = offered;
        await run.Execute();
        // JasperFx ends a verb's help with exit code 1, as if it had failed: help given is a success.
        return input.InvalidCommandName ? 1 : 0;
    }

    /// <summary>
    /// The verb whose help is asked for, or null for the list of verbs. `--help` asks for help and
    /// names no verb: `help --help` and `? --help` were taken for the help of a verb called --help,
    /// which JasperFx answered with an unhandled exception. `?` named as the verb is help itself.
    /// </summary>
    public static string? VerbAskedAbout(string[] args)
    {
        var words = args.Where(arg => arg != "--help").ToArray();
        if (words is [var first, ..] && HelpVerbs.Contains(first, StringComparer.OrdinalIgnoreCase)) words = words[1..];
        return words switch
        {
            ["?", ..] => "help",
            [var named, ..] => named,
            _ => null,
        };
    }

    /// <summary>The verbs help lists: every verb registered, but the withheld ones.</summary>
    public static IEnumerable<Type> Offered(IEnumerable<Type> registered) =>
        registered.Where(type => !Withheld.ContainsKey(CommandFactory.CommandNameFor(type)));
}
