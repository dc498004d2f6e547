using System.Text.Json.Nodes;
using Alba;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// RFC 4180 allows a double quote only in a cell written in double quotes, doubled. Until
/// 2026-12-07 a quote anywhere in a cell turned quoting on and was dropped: <c>"Pat" Smith</c> was
/// stored <c>Pat Smith</c>, the ERP key <c>ord"7"</c> read <c>ord7</c> and its row then taken for a
/// repeat of another record's, and one odd quote (<c>12" pipe</c>) refused the whole file as "a quoted
/// field is not closed". Such a cell is now a bad row, named by its line and column with how to write
/// it: refused, or skipped with skipInvalid, as any row with a bad field is; never read one way or another.
/// </summary>
public class when_an_import_file_holds_double_quotes_outside_quoted_cells(AppFixture app)
{
    private const string NotQuoted = "has a double quote but is not written in double quotes: a cell holding a double quote is " +
                                     "written in double quotes, each of its quotes doubled (12\" pipe as \"12\"\" pipe\")";
    private const string TextAfterQuote = "has text after its closing double quote: a cell holding a double quote is " +
                                          "written in double quotes, each of its quotes doubled (\"Pat\" Smith as \"\"\"Pat\"\" Smith\")";

    private async Task<JsonNode> Import(HistoryFile file, int status, bool skipInvalid = false)
    {
        var result = await app.Host.Scenario(s =>
        {
            var post = s.Post.Text(file.ToString()).ToUrl("/api/imports");
            if (skipInvalid) post.QueryString("skipInvalid", "true");
            s.WithRequestHeader("Content-Type", "text/csv");
            s.StatusCodeShouldBe(status);
        });
        return JsonNode.Parse(await result.ReadAsTextAsync())!;
    }

    /// <summary>Lines 2 and 3 well formed; 4, 5 and 6 each with a quote where RFC 4180 has none.</summary>
    private static HistoryFile Misquoted(string customer, string lead) => new HistoryFile()
        .SignUp(customer, "2023-05-01T10:00:00Z")
        .Row("purchase", $"{customer}-ord7", customer, "2023-06-01T10:00:00Z", orderId: "7", amount: "10", margin: "3", category: "pipes")
        .Row("purchase", $"{customer}-ord\"7\"", customer, "2023-06-01T10:00:00Z", orderId: "7", amount: "10", margin: "3", category: "pipes")
        .Row("purchase", $"{customer}-ord8", customer, "2023-06-02T10:00:00Z", orderId: "8", amount: "10", margin: "3", category: "12\" pipe")
        .Row("lead-captured", null, lead, "2023-06-03T10:00:00Z", name: "\"Pat\" Smith", email: "pat@example.com");

    [Fact]
    public async Task each_such_row_is_refused_naming_its_line_and_column_and_nothing_is_imported()
    {
        var (customer, lead) = (Ids.Customer(), Ids.Customer());

        var problem = await Import(Misquoted(customer, lead), 400);

        // Row-level, not the file: an odd quote (line 5) no longer refuses the file as "not closed".
        problem.ErrorKeys().ShouldBe(["line 4", "line 5", "line 6"]);
        problem["errors"]!["line 4"]![0]!.GetValue<string>().ShouldBe($"touchpointId: {NotQuoted}");
        problem["errors"]!["line 5"]![0]!.GetValue<string>().ShouldBe($"category: {NotQuoted}");
        problem["errors"]!["line 6"]![0]!.GetValue<string>().ShouldBe($"name: {TextAfterQuote}");
        (await app.Store.EventCount(customer)).ShouldBe(0);
        (await app.Store.EventCount(lead)).ShouldBe(0);
    }

    [Fact]
    public async Task skipping_invalid_rows_skips_them_as_any_bad_row_and_written_as_advised_they_keep_every_quote()
    {
        var (customer, lead) = (Ids.Customer(), Ids.Customer());

        var skipped = await Import(Misquoted(customer, lead), 201, skipInvalid: true);

        // 5 rows: the signup and the purchase ord7 imported, 3 skipped; ord"7" is not taken for a repeat of ord7.
        (skipped["rows"]!.GetValue<int>(), skipped["imported"]!.GetValue<int>(), skipped["repeated"]!.GetValue<int>(),
            skipped["rejectedTotal"]!.GetValue<int>()).ShouldBe((5, 2, 0, 3));
        skipped["rejected"]!.AsArray().Select(r => r!["line"]!.GetValue<int>()).ShouldBe([4, 5, 6]);
        (await app.Store.EventCount(customer)).ShouldBe(2);
        (await app.Store.EventCount(lead)).ShouldBe(0);

        // The same rows written in double quotes, their quotes doubled: three new touchpoints, quotes kept.
        var written = await Import(new HistoryFile()
            .Line($"purchase,\"{customer}-ord\"\"7\"\"\",{customer},2023-06-01T10:00:00Z,,,,,7,10,3,pipes,,,")
            .Line($"purchase,{customer}-ord8,{customer},2023-06-02T10:00:00Z,,,,,8,10,3,\"12\"\" pipe\",,,")
            .Line($"lead-captured,{lead}-l,{lead},2023-06-03T10:00:00Z,\"\"\"Pat\"\" Smith\",pat@example.com,,,,,,,,,"), 201);

        written["imported"]!.GetValue<int>().ShouldBe(3);
        (await app.Store.EventCount(customer)).ShouldBe(4);
        (await app.Host.GetJson($"/api/customers/{lead}"))["name"]!.GetValue<string>().ShouldBe("\"Pat\" Smith");
        var categories = (await app.Host.TimelineEntries(customer)).Where(e => e!["type"]!.GetValue<string>() == "purchase")
            .Select(e => e!["category"]!.GetValue<string>()).Order().ToList();
        categories.ShouldBe(["12\" pipe", "pipes", "pipes"]);
    }
}
