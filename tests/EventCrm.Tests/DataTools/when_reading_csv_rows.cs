using EventCrm.Host.Infrastructure;
using Shouldly;

namespace EventCrm.Tests.DataTools;

/// <summary>The import's CSV reader (RFC 4180 quoting, cells trimmed, line numbers kept for error messages).</summary>
public class when_reading_csv_rows
{
    private static List<CsvRow> Rows(string text) => CsvRows.Read(new StringReader(text)).ToList();

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
        var row = Rows("a,\"Lovelace, Ada\",\"say \"\"hi\"\"\",\"\", \" padded \" ,\"12\"\" pipe\"").Single();

        row.Fields.ShouldBe(["a", "Lovelace, Ada", "say \"hi\"", "", "padded", "12\" pipe"]);
        row.Misquoted.ShouldBeEmpty();
    }

    /// <summary>
    /// Until 2026-12-07 a quote anywhere turned quoting on and was dropped: x"y"z read xyz, and an odd
    /// quote refused the file as not closed. A quote opens a quoted cell only as its first character now;
    /// any other is reported with its cell, whose row the import then refuses.
    /// </summary>
    [Fact]
    public void a_quote_inside_an_unquoted_cell_or_after_a_closing_quote_is_reported_with_its_cell()
    {
        var row = Rows("ord\"7\",\"Pat\" Smith,12\" pipe,=HYPERLINK(\"x\"),ok,Pat O\"Brien,\"closed\"  ").Single();

        row.Misquoted.ShouldBe(
        [
            new MisquotedCell(0, TextAfterClosingQuote: false),
            new MisquotedCell(1, TextAfterClosingQuote: true),
            new MisquotedCell(2, TextAfterClosingQuote: false),
            new MisquotedCell(3, TextAfterClosingQuote: false),
            new MisquotedCell(5, TextAfterClosingQuote: false),
        ]);
        // Seven cells, as the six commas cut them: the counts of the row stay right.
        row.Fields.Length.ShouldBe(7);
        (row.Fields[4], row.Fields[6]).ShouldBe(("ok", "closed"));
    }

    [Fact]
    public void a_quote_left_open_names_its_line()
    {
        Should.Throw<InvalidDataException>(() => Rows("a,b\n\"open,c\n")).Message.ShouldBe("line 2: a quoted field is not closed before the line ends (a quoted field may not hold a line break)");
    }
}
