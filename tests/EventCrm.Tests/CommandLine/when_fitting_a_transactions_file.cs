using System.Text.Json.Nodes;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.CommandLine;

public class when_fitting_a_transactions_file
{
    [Fact]
    public async Task clv_fit_reproduces_the_published_cdnow_figures_within_half_a_percent()
    {
        var (exit, output, errors) = await HostCommandLine.Run(
            "clv-fit", "--transactions", HostCommandLine.DataFile("cdnow_transactions.csv"), "--calibration-end", "1997-09-30");

        exit.ShouldBe(0, errors);
        var fit = JsonNode.Parse(output.TrimEnd().Split('\n')[^1])!;
        // Fader, Hardie and Lee (2005), table 2; Fader and Hardie, note 025.
        fit["customers"]!.GetValue<int>().ShouldBe(2357);
        fit["repeaters"]!.GetValue<int>().ShouldBe(946);
        Close(fit, "r", 0.243);
        Close(fit, "alpha", 4.414);
        Close(fit, "a", 0.793);
        Close(fit, "b", 2.426);
        Close(fit, "logLikelihood", -9582.4);
        Close(fit, "p", 6.25);
        Close(fit, "q", 3.74);
        Close(fit, "gamma", 15.44);
        Close(fit, "ggLogLikelihood", -4055.92);
    }

    [Fact]
    public async Task a_missing_file_or_a_bad_date_fails_with_a_message()
    {
        var (missingExit, _, missing) = await HostCommandLine.Run("clv-fit", "--transactions", "no-such.csv", "--calibration-end", "1997-09-30");
        var (badDateExit, _, badDate) = await HostCommandLine.Run(
            "clv-fit", "--transactions", HostCommandLine.DataFile("cdnow_transactions.csv"), "--calibration-end", "30/09/1997");

        missingExit.ShouldNotBe(0);
        missing.ShouldContain("no-such.csv");
        badDateExit.ShouldNotBe(0);
        badDate.ShouldContain("--calibration-end");
    }

    /// <summary>A customer id c"1" was read c1 until 2026-12-07, its quotes dropped: the line is refused, naming its cell.</summary>
    [Fact]
    public void a_double_quote_outside_a_quoted_cell_refuses_its_line_rather_than_being_dropped()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "customer_id,date,amount\nc\"1\",2020-01-01,5\n");
        try
        {
            Should.Throw<InvalidDataException>(() => EventCrm.Host.Models.ClvFitCommand.Read(path).ToList()).Message
                .ShouldStartWith("line 2: cell 1 has a double quote but is not written in double quotes");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void Close(JsonNode fit, string field, double published) =>
        fit[field]!.GetValue<double>().ShouldBe(published, Math.Abs(published) * 0.005, field);
}
