using EventCrm.Host.Infrastructure;
using EventCrm.Tests.DataTools;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

/// <summary>
/// Written to a file, the console is 8,192 columns wide so that no line is broken, and Spectre drew
/// each of describe's section headings across all of them.
/// </summary>
public class when_describe_is_written_to_a_file
{
    [Fact]
    public async Task its_section_headings_are_a_line_of_ordinary_width()
    {
        var (exit, output, errors) = await DataCommandLine.Run("eventcrm_describe", "describe");

        exit.ShouldBe(0, errors + output);
        var lines = output.Split('\n');
        var heading = lines.Single(l => l.StartsWith("── Marten "));
        heading.TrimEnd().Length.ShouldBe("── Marten ".Length + RulesCutShort.RuleColumns);
        // The widest thing left is a table sized to its content.
        lines.Max(l => l.Length).ShouldBeLessThan(2_000);
    }

    [Fact]
    public void a_rule_drawn_across_the_whole_width_is_cut_and_a_table_border_is_not()
    {
        var rule = "── Wolverine " + new string('─', RedirectedOutput.Width - 13);
        RulesCutShort.Cut(rule).ShouldBe("── Wolverine " + new string('─', 80));

        var border = "┏" + new string('━', 700) + "┓";
        RulesCutShort.Cut(border).ShouldBe(border);
        RulesCutShort.Cut("a - b -- c").ShouldBe("a - b -- c");
    }
}
