using System.Text;
using System.Text.Json.Nodes;
using Alba;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// Files as a data team exports them from Excel or an ERP: a byte order mark, CRLF, no newline at
/// the end, quoted commas, padded cells, columns in another order are imported; a European Excel's
/// semicolons or tabs, a UTF-16 file, the empty header cells a spreadsheet leaves after the last column, header names in
/// another case and a line break inside quotes refuse the file with a message that says what to
/// change (until 2026-12-06: "unknown column(s) '', ''", one unknown column of the whole
/// semicolon header, "unknown column 'Type'", "a quoted field is not closed").
/// </summary>
public class when_an_import_file_is_saved_by_a_spreadsheet(AppFixture app)
{
    private async Task<JsonNode> Import(byte[] body, int status)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Url("/api/imports");
            s.ConfigureHttpContext(http =>
            {
                http.Request.ContentType = "text/csv";
                http.Request.Body = new MemoryStream(body);
                http.Request.ContentLength = body.Length;
            });
            s.StatusCodeShouldBe(status);
        });
        return JsonNode.Parse(await result.ReadAsTextAsync())!;
    }

    private Task<JsonNode> Import(string text, int status) => Import(Encoding.UTF8.GetBytes(text), status);

    private static string FileError(JsonNode problem) => problem["errors"]!["file"]![0]!.GetValue<string>();

    [Fact]
    public async Task a_bom_crlf_quoted_commas_padded_cells_and_columns_in_another_order_are_imported_as_written()
    {
        var c = Ids.Customer();
        var text = "customerId , type,occurredAt,touchpointId,name,email,segment,acquisitionCost,orderId,amount,margin,category\r\n" +
                   $" {c} ,signed-up,2019-02-01T09:00:00Z,{c}-s,\"Lovelace, Ada \"\"the Countess\"\"\",ada@example.com,smb,120,,,,\r\n" +
                   $"{c},purchase,2019-03-14T15:20:00+01:00,{c}-o,,,,,4711, 250.00 ,75.00,\"rollers, big\"";
        var body = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray();

        var imported = await Import(body, 201);

        (imported["rows"]!.GetValue<int>(), imported["imported"]!.GetValue<int>()).ShouldBe((2, 2));
        (await app.Host.GetJson($"/api/customers/{c}"))["name"]!.GetValue<string>().ShouldBe("Lovelace, Ada \"the Countess\"");
        (await Import(body, 200))["repeated"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task a_semicolon_separated_file_is_refused_as_such_and_nothing_is_imported()
    {
        var c = Ids.Customer();
        var problem = await Import("type;touchpointId;customerId;occurredAt;name;email;segment;acquisitionCost\n" +
                                   $"signed-up;{c}-s;{c};2019-02-01T09:00:00Z;Ada;ada@example.com;smb;120,50\n", 400);

        FileError(problem).ShouldStartWith("line 1: the columns are separated by ';'");
        FileError(problem).ShouldContain("save the file comma-separated");
        (await app.Store.EventCount(c)).ShouldBe(0);
    }

    [Fact]
    public async Task a_tab_separated_file_is_refused_as_such()
    {
        var problem = await Import("type\ttouchpointId\tcustomerId\toccurredAt\nlead-captured\tt-1\tc-1\t2019-02-01T09:00:00Z\n", 400);

        FileError(problem).ShouldStartWith("line 1: the columns are separated by tabs");
    }

    [Fact]
    public async Task a_utf16_file_is_named_as_utf16_not_as_latin1()
    {
        var c = Ids.Customer();
        // Excel's "Unicode Text": UTF-16 little-endian after the bytes FF FE.
        var body = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(
            $"type,touchpointId,customerId,occurredAt,name,email,source\nlead-captured,{c}-l,{c},2019-02-01T09:00:00Z,José,jose@example.com,fair\n")).ToArray();

        var problem = await Import(body, 400);

        FileError(problem).ShouldStartWith("line 1: the file is UTF-16");
        FileError(problem).ShouldContain("save it as \"CSV UTF-8 (comma delimited)\"");
        (await app.Store.EventCount(c)).ShouldBe(0);
    }

    [Fact]
    public async Task empty_header_cells_after_the_last_column_are_named_by_their_position()
    {
        var c = Ids.Customer();
        // Four columns, then the two empty cells Excel writes when a column right of them was once used.
        var problem = await Import($"type,touchpointId,customerId,occurredAt,,\nlead-captured,{c}-l,{c},2019-02-01T09:00:00Z,,\n", 400);

        FileError(problem).ShouldStartWith("line 1: column(s) 5, 6 have no name");
        (await app.Store.EventCount(c)).ShouldBe(0);
    }

    /// <summary>
    /// A file saved without its header: its first row's empty cells were named "column(s) 5, 6, 7, 8
    /// have no name ...: remove them from every line" until 2026-12-07, advice that deletes data.
    /// </summary>
    [Fact]
    public async Task a_file_without_its_header_line_is_named_as_such_with_the_columns_to_write()
    {
        var c = Ids.Customer();
        var problem = await Import($"purchase,{c}-ord-1,{c},2019-03-14T15:20:00Z,,,,,4711,250.00,75.00,rollers\n" +
                                   $"purchase,{c}-ord-2,{c},2019-03-15T15:20:00Z,,,,,4712,20.00,5.00,rollers\n", 400);

        FileError(problem).ShouldStartWith("line 1: the header line seems to be missing: line 1 reads as a row " +
                                           "('purchase', where the header names its columns, is a touchpoint type), not as column names. " +
                                           "Put the header first, naming each column: type,touchpointId,customerId,occurredAt (required), then ");
        FileError(problem).ShouldContain("name,email,source,segment,channel,acquisitionCost,orderId,amount,margin,category,durationMinutes,");
        (await app.Store.EventCount(c)).ShouldBe(0);
    }

    [Fact]
    public async Task a_header_cell_with_a_stray_quote_refuses_the_file_naming_the_cell()
    {
        var problem = await Import("type,touchpointId,customerId,\"occurredAt\" (UTC)\n", 400);

        FileError(problem).ShouldStartWith("line 1: header cell 4 has text after its closing double quote");
    }

    [Fact]
    public async Task a_header_name_in_another_case_is_named_with_the_name_to_write()
    {
        var problem = await Import("Type,touchpointId,CUSTOMERID,occurredAt,colour\n", 400);

        FileError(problem).ShouldStartWith(
            "line 1: unknown column(s) 'Type' (write 'type': column names are case-sensitive), " +
            "'CUSTOMERID' (write 'customerId': column names are case-sensitive), 'colour';");
    }

    [Fact]
    public async Task a_line_break_inside_quotes_refuses_the_file_naming_the_line_and_why()
    {
        var c = Ids.Customer();
        var file = new HistoryFile().Line($"signed-up,{c}-s,{c},2019-02-01T09:00:00Z,\"Ada\nLovelace\",ada@example.com,smb,120,,,,,,,");
        var path = await file.SaveAsync();
        try
        {
            var (exit, _, errors) = await DataCommandLine.Run(AppFixture.Schema, "import", "--file", path);

            exit.ShouldNotBe(0);
            errors.ShouldContain("line 2: a quoted field is not closed before the line ends (a quoted field may not hold a line break)");
            (await app.Store.EventCount(c)).ShouldBe(0);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
