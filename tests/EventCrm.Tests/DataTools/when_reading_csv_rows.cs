using EventCrm.Host.Infrastructure;
using Shouldly;

namespace EventCrm.Tests.DataTools;

/// <summary>The import's CSV reader (RFC 4180 quoting, cells trimmed, line numbers kept for error messages).</summary>
public class when_reading_csv_rows
{
    private static List<(int Line, string[] Fields)> Rows(string text) => CsvRows.Read(new StringReader(text)).ToList();

    [Fact]
    public void plain_cells_are_cut_at_the_commas_and_trimmed()
    {
        var rows = Rows("type, touchpointId ,customerId\nvisit,t-1,\n\n ,,c-2 \n");

        rows.Select(r => r.Line).ShouldBe([1, 2, 4]);
        rows[0].Fields.ShouldBe(["type", "touchpointId", "customerId"]);
        rows[1].Fields.ShouldBe(["visit", "t-1", ""]);
        rows[2].Fields.ShouldBe(["", "", "c-2"]);
    }

    [Fact]
    public void quoted_cells_keep_their_commas_and_doubled_quotes()
    {
        var row = Rows("a,\"Lovelace, Ada\",\"say \"\"hi\"\"\",\"\", \" padded \" ,x\"y\"z").Single();

        row.Fields.ShouldBe(["a", "Lovelace, Ada", "say \"hi\"", "", "padded", "xyz"]);
    }

    [Fact]
    public void a_quote_left_open_names_its_line()
    {
        Should.Throw<InvalidDataException>(() => Rows("a,b\n\"open,c\n")).Message.ShouldBe("line 2: a quoted field is not closed before the line ends (a quoted field may not hold a line break)");
    }
}
