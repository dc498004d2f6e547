using System.Text.RegularExpressions;
using EventCrm.Host.Exports;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

public class when_giving_the_export_command_short_flags(AppFixture app)
{
    [Fact]
    public async Task help_gives_each_short_flag_to_one_option_only()
    {
        // JasperFx's help exits 1, as for any usage text.
        var (_, output, errors) = await HostCommandLine.Run("help", "export");

        output.ShouldContain("export - Exports customer events", customMessage: errors);
        // Help may list an option more than once: a letter clashes when it stands for two long names.
        var shortFlags = Regex.Matches(output, @"\[-([a-zA-Z]), --([a-z-]+)").Select(m => (Letter: m.Groups[1].Value, Long: m.Groups[2].Value)).Distinct();
        // -v is JasperFx's own (--env-variable and --verbose of every host command), not the export's.
        shortFlags.Where(f => f.Letter != "v").GroupBy(f => f.Letter).Where(g => g.Count() > 1).Select(g => g.Key).ShouldBeEmpty(output);
        foreach (var option in new[] { "[--from <from>]", "[--to <to>]", "[-t, --types <types>]", "[--customer <customer>]",
                     "[-f, --format <format>]", "[-o, --out <out>]", "[-s, --spreadsheet-safe]" })
            output.ShouldContain(option);
    }

    [Fact]
    public async Task f_chooses_the_format_and_t_the_types()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(1)) });
        var file = Path.Combine(Path.GetTempPath(), $"export-{Guid.NewGuid():N}.csv");

        var (exit, _, errors) = await DataCommandLine.Run(AppFixture.Schema, "export", "-f", "csv", "-t", "purchase", "--customer", customer, "-o", file);

        exit.ShouldBe(0, errors);
        var lines = await File.ReadAllLinesAsync(file);
        (lines.Length, lines[0]).ShouldBe((2, CsvFormat.Header));
        lines[1].ShouldContain($",{customer},2,purchase,");
        File.Delete(file);
    }

    [Fact]
    public async Task an_out_file_in_a_folder_that_does_not_exist_is_refused_in_one_line()
    {
        var file = Path.Combine(Path.GetTempPath(), $"no-such-folder-{Guid.NewGuid():N}", "x.ndjson");

        var (exit, _, errors) = await DataCommandLine.Run(AppFixture.Schema, "export", "--out", file);

        exit.ShouldBe(1);
        errors.Trim().Split('\n').ShouldHaveSingleItem().ShouldStartWith($"export: --out {file}: no such directory");
    }
}
