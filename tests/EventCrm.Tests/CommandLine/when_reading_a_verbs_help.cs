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
public class when_reading_a_verbs_help
{
    [Fact]
    public async Task help_begins_with_the_list_of_verbs_where_ours_are_described()
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
            // The table wraps a description at the width of the column: its first line begins it.
            var shown = line[(line.IndexOf(verb, StringComparison.Ordinal) + verb.Length)..].Trim();
            shown.ShouldNotBeEmpty(line);
            description.ShouldStartWith(shown, customMessage: line);
        }
    }

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
