using System.Reflection;
using System.Text.RegularExpressions;
using EventCrm.Host.Infrastructure;
using EventCrm.Tests.Support;
using JasperFx.CommandLine;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

/// <summary>
/// JasperFx derives a short flag from each option's first letter unless told otherwise. Help then
/// listed -a three times for audit-verify (--anchor, --all-sealed, NetCoreInput's --applicationname)
/// and -c twice for seed-demo (--customers, --contentroot), so a short flag could not say which
/// option it meant. export had the same and is held by when_giving_the_export_command_short_flags.
/// </summary>
public partial class when_reading_a_verbs_help
{
    /// <summary>The libraries' verbs that help offers, each run once against this Host and seen to work (README, "Command line").</summary>
    private static readonly string[] LibraryVerbs =
    [
        "check-env", "clear-handled", "codegen", "db-apply", "db-assert", "db-dump", "db-list", "db-patch", "describe",
        "describe-event-model", "event-model", "event-query", "help", "marten", "openapi", "projection-run", "projections",
        "resources", "run", "scaffold", "storage", "stream-query", "wolverine-diagnostics",
    ];

    [Fact]
    public async Task help_begins_with_the_list_of_verbs_where_ours_are_described_each_on_one_line()
    {
        var (exit, output, errors) = await HostCommandLine.Run("help");

        exit.ShouldBe(0, errors);
        // JasperFx's search for verbs, one line per assembly searched, used to come first.
        output.ShouldNotContain("Searching '");
        output.ShouldStartWith("The available commands are:");
        var lines = output.Split('\n');
        OurVerbs().Select(v => v.Verb).ShouldBe(DataVerbs.Names, ignoreOrder: true);
        foreach (var (verb, description) in OurVerbs())
        {
            var line = lines.SingleOrDefault(l => l.TrimStart().StartsWith(verb + " ", StringComparison.Ordinal));
            line.ShouldNotBeNull($"{verb} is not listed:\n{output}");
            // Written to a pipe, the table is as wide as its longest description: none is broken at 80 columns.
            line[(line.IndexOf(verb, StringComparison.Ordinal) + verb.Length)..].Trim().ShouldBe(description, line);
        }
    }

    [Fact]
    public async Task help_lists_our_verbs_and_the_library_verbs_that_work_here_each_with_a_description()
    {
        var (exit, output, errors) = await HostCommandLine.Run("help");

        exit.ShouldBe(0, errors);
        var listed = Listed(output);
        listed.Keys.ShouldBe([.. DataVerbs.Names, .. LibraryVerbs], ignoreOrder: true);
        // JasperFx shows a verb's class name where the verb has no description (capabilities did).
        foreach (var (verb, description) in listed) description.ShouldNotMatch(@"^[\w.]+Command$", verb);
    }

    [Theory]
    [InlineData("help", "--bogus")]
    [InlineData("?", "-x")]
    public async Task a_flag_where_the_verb_goes_is_refused_as_no_verb_with_the_list(params string[] arguments)
    {
        var (exit, output, errors) = await HostCommandLine.Run(arguments);

        exit.ShouldBe(1, errors);
        errors.ShouldNotContain("Unhandled exception");
        output.ShouldStartWith($"'{arguments[1]}' is not a command.");
        Listed(output).Keys.ShouldContain("seed-demo");
    }

    [Theory]
    [InlineData("capabilities")]
    [InlineData("help", "capabilities")]
    [InlineData("capabilities", "--help")]
    public async Task a_library_verb_withheld_from_help_is_refused_as_unknown(params string[] arguments)
    {
        var (exit, output, errors) = await HostCommandLine.Run(arguments);

        exit.ShouldBe(1, errors);
        output.ShouldStartWith("'capabilities' is not a command.");
        Listed(output).Keys.ShouldContain("seed-demo");
        File.Exists(Path.Combine(HostCommandLine.HostFolder(), "wolverine.json")).ShouldBeFalse("it ran");
    }

    [Theory]
    [InlineData("help")]
    [InlineData("?")]
    [InlineData("--help")]
    // --help names no verb: help's help was asked for a verb called --help, and crashed.
    [InlineData("help", "--help")]
    [InlineData("?", "--help")]
    [InlineData("--help", "--help")]
    public async Task help_lists_the_verbs_on_a_machine_with_nothing_configured(params string[] asked)
    {
        var (exit, output, errors) = await HostCommandLine.RunWithNothingConfigured(asked);

        exit.ShouldBe(0, errors);
        errors.ShouldBeEmpty();
        output.ShouldStartWith("The available commands are:");
        Listed(output).Keys.ShouldBe([.. DataVerbs.Names, .. LibraryVerbs], ignoreOrder: true);
    }

    [Theory]
    [InlineData("help", "import")]
    [InlineData("import", "--help")]
    [InlineData("help", "db-apply")]
    [InlineData("db-apply", "--help")]
    // --help anywhere after the verb, as most command lines take it: these were JasperFx's "Invalid usage".
    [InlineData("import", "--help", "--help")]
    [InlineData("import", "--file", "history.csv", "--help")]
    [InlineData("seed-demo", "--customers", "10", "--help")]
    public async Task a_verbs_help_is_given_on_a_machine_with_nothing_configured(params string[] asked)
    {
        var verb = asked[0] == "help" ? asked[1] : asked[0];

        var (exit, output, errors) = await HostCommandLine.RunWithNothingConfigured(asked);

        exit.ShouldBe(0, errors);
        errors.ShouldBeEmpty();
        output.ShouldStartWith($"{verb} - ");
        output.ShouldNotContain("Invalid usage");
    }

    /// <summary>`?` stands for help wherever help is named: `help ?` is `help help`, as `? ?` is.</summary>
    [Theory]
    [InlineData("help", "?")]
    [InlineData("help", "?", "--help")]
    [InlineData("?", "?")]
    public async Task a_question_mark_named_as_the_verb_is_help_itself(params string[] asked)
    {
        var (exit, output, errors) = await HostCommandLine.RunWithNothingConfigured(asked);

        exit.ShouldBe(0, errors);
        output.ShouldStartWith("help - ");
    }

    [Theory]
    [InlineData("audit-anchor: ", "audit-anchor")]
    [InlineData("rebuild: ", "rebuild", "--projection", "CustomerLedger")]
    // A library verb builds the whole application first, which stops at the missing setting.
    [InlineData("EventCrm did not start: ", "db-apply")]
    public async Task a_verb_that_needs_the_database_still_refuses_in_one_line_when_none_is_configured(string prefix, params string[] arguments)
    {
        var (exit, output, errors) = await HostCommandLine.RunWithNothingConfigured(arguments);

        exit.ShouldBe(1);
        errors.Trim().ShouldStartWith($"{prefix}No database configured: set ConnectionStrings__EventCrm");
        errors.Trim().Split('\n').Length.ShouldBe(1, errors);
        output.ShouldNotContain("   at ");
    }

    /// <summary>
    /// The import command, run beside a service that is up, reads none of its settings: it used to
    /// be told to "start the service with ./eventcrm run", which does not help it. It is told the
    /// setting and where the demo cluster's connection string is printed.
    /// </summary>
    [Fact]
    public async Task the_import_command_without_a_database_is_told_where_to_find_the_demo_clusters_connection_string()
    {
        var file = Path.GetTempFileName();
        try
        {
            var (exit, _, errors) = await HostCommandLine.RunWithNothingConfigured("import", "--file", file);

            exit.ShouldBe(1);
            errors.Trim().ShouldStartWith("import: No database configured: set ConnectionStrings__EventCrm, for example ");
            errors.ShouldContain("./eventcrm db status demo prints its connection string");
            errors.ShouldNotContain("start the service with");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The verbs of help's table and their descriptions.</summary>
    private static Dictionary<string, string> Listed(string output) => output.Split('\n')
        .Select(line => VerbLine().Match(line))
        .Where(m => m.Success)
        .ToDictionary(m => m.Groups["verb"].Value, m => m.Groups["description"].Value.Trim());

    [GeneratedRegex(@"^  (?<verb>[a-z?][a-z-]*) +(?<description>\S.*)$")]
    private static partial Regex VerbLine();

    private static IEnumerable<(string Verb, string Description)> OurVerbs() => typeof(DataVerbs).Assembly.GetTypes()
        .Select(t => t.GetCustomAttribute<DescriptionAttribute>())
        .Where(d => d?.Name is { } name && DataVerbs.Names.Contains(name))
        .Select(d => (d!.Name!, d.Description));

    [Theory]
    [InlineData("audit-verify", "[--anchor <anchor>]", "[--all-sealed]")]
    [InlineData("seed-demo", "[--customers <customers>]", "[-s, --seed <seed>]", "[--exit-code-when-present <exitcodewhenpresent>]")]
    [InlineData("audit-anchor", "[-o, --out <out>]")]
    [InlineData("import", "[-f, --file <file>]", "[-s, --skip-invalid]")]
    [InlineData("rebuild", "[-p, --projection <projection>]", "[-o, --offline]")]
    [InlineData("replay", "[-f, --formula <formula>]", "[--as-of <asof>]")]
    [InlineData("clv-refit", "[--as-of <asof>]")]
    public async Task each_short_flag_stands_for_one_option(string verb, params string[] options)
    {
        var (_, output, errors) = await HostCommandLine.Run("help", verb);

        output.ShouldContain($"{verb} - ", customMessage: errors);
        var shortFlags = Regex.Matches(output, @"\[-([a-zA-Z]), --([a-z-]+)").Select(m => (Letter: m.Groups[1].Value, Long: m.Groups[2].Value)).Distinct();
        // -v is JasperFx's own (--env-variable and --verbose of every host command), not ours.
        shortFlags.Where(f => f.Letter != "v").GroupBy(f => f.Letter).Where(g => g.Count() > 1).Select(g => g.Key).ShouldBeEmpty(output);
        foreach (var option in options) output.ShouldContain(option);
    }
}
