using System.Text.RegularExpressions;
using EventCrm.Tests.Support;
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
    [Theory]
    [InlineData("audit-verify", "[--anchor <anchor>]", "[--all-sealed]")]
    [InlineData("seed-demo", "[--customers <customers>]", "[-s, --seed <seed>]")]
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
