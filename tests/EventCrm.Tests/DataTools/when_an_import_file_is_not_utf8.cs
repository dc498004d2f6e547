using System.Text;
using System.Text.Json.Nodes;
using Alba;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// A history file saved as Latin-1: "José Muñoz" is the bytes 4A 6F 73 E9 ... 4D 75 F1 6F 7A, and
/// E9 and F1 begin no UTF-8 character. Read leniently they would become U+FFFD and be stored so,
/// and the corrected file would then conflict with them; the row is refused instead, by line.
/// </summary>
public class when_an_import_file_is_not_utf8(AppFixture app)
{
    private const string Name = "José Muñoz";

    /// <summary>Line 2: A signs up; line 3: B signs up as José Muñoz; line 4: A buys.</summary>
    private static string History(string a, string b, string bSignUp) => new HistoryFile()
        .Row("signed-up", $"{a}-s", a, "2023-05-01T10:00:00Z", name: "Ada", email: "ada@example.com", segment: "smb", acquisitionCost: "0")
        .Row("signed-up", bSignUp, b, "2023-05-02T10:00:00Z", name: Name, email: "jose@example.com", segment: "smb", acquisitionCost: "0")
        .Row("purchase", $"{a}-p", a, "2023-06-01T10:00:00Z", orderId: "o-1", amount: "100", margin: "30", category: "rollers")
        .ToString();

    private async Task<JsonNode> Import(byte[] body, int status, bool skipInvalid = false)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Url(skipInvalid ? "/api/imports?skipInvalid=true" : "/api/imports");
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

    [Fact]
    public async Task the_latin1_row_is_refused_by_its_line_and_the_corrected_file_then_imports_the_name_intact()
    {
        var (a, b) = (Ids.Customer(), Ids.Customer());
        var latin1 = Encoding.Latin1.GetBytes(History(a, b, $"{b}-s"));

        var refused = await Import(latin1, 400);
        refused.ErrorKeys().ShouldBe(["line 3"]);
        refused["errors"]!["line 3"]![0]!.GetValue<string>().ShouldContain("not UTF-8");
        (await app.Store.EventCount(a), await app.Store.EventCount(b)).ShouldBe((0, 0));

        var skipped = await Import(latin1, 201, skipInvalid: true);
        (skipped["imported"]!.GetValue<int>(), skipped["rejectedTotal"]!.GetValue<int>()).ShouldBe((2, 1));
        skipped["rejected"]![0]!["line"]!.GetValue<int>().ShouldBe(3);
        (await app.Store.EventCount(a), await app.Store.EventCount(b)).ShouldBe((2, 0));

        // Corrected: UTF-8, as a spreadsheet saves it, with a byte order mark and CRLF line breaks.
        var corrected = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(History(a, b, $"{b}-s").Replace("\n", "\r\n"))).ToArray();
        var fixedUp = await Import(corrected, 201);
        (fixedUp["imported"]!.GetValue<int>(), fixedUp["repeated"]!.GetValue<int>()).ShouldBe((1, 2));
        (await app.Host.GetJson($"/api/customers/{b}"))["name"]!.GetValue<string>().ShouldBe(Name);
    }

    [Fact]
    public async Task the_command_refuses_the_file_naming_the_line_and_imports_nothing()
    {
        var (a, b) = (Ids.Customer(), Ids.Customer());
        var path = Path.Combine(Path.GetTempPath(), $"latin1-{Guid.NewGuid():N}.csv");
        await File.WriteAllBytesAsync(path, Encoding.Latin1.GetBytes(History(a, b, $"{b}-s")));
        try
        {
            var (exit, output, errors) = await DataCommandLine.Run(AppFixture.Schema, "import", "--file", path);

            exit.ShouldNotBe(0);
            // Standard error also carries the check pass's progress ("Checking every row: 0%") when it lasts past its first refresh.
            errors.Split('\n').ShouldContain(line => line.StartsWith("import: 1 bad row(s) of 3; nothing was imported"));
            output.ShouldContain("line 3: not UTF-8");
            (await app.Store.EventCount(a), await app.Store.EventCount(b)).ShouldBe((0, 0));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
