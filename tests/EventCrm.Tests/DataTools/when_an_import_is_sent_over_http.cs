using System.Text;
using System.Text.Json.Nodes;
using Alba;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// POST /api/imports spools its body (when_an_upload_is_spooled) and reads it line by line: one line
/// of hundreds of megabytes (a header, a cell) must not be held whole, as bytes, text and cells,
/// nor sent back in the answer.
/// </summary>
public class when_an_import_is_sent_over_http(AppFixture app)
{
    private async Task<(JsonNode Answer, string Text)> Import(Stream body, long length, int status)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Url("/api/imports");
            s.ConfigureHttpContext(http =>
            {
                http.Request.ContentType = "text/csv";
                http.Request.Body = body;
                http.Request.ContentLength = length;
            });
            s.StatusCodeShouldBe(status);
        });
        var text = await result.ReadAsTextAsync();
        return (JsonNode.Parse(text)!, text);
    }

    /// <summary>
    /// A file whose first batch meets a customer held locked by another transaction (an operator's psql):
    /// the batch waits 2 s for the lock, then the import stops there, nothing of it written. It used to
    /// say only that another writer changed the same customers, naming no one; it names the customer now.
    /// </summary>
    [Fact]
    public async Task a_customer_held_locked_elsewhere_stops_the_import_at_its_line_and_is_named()
    {
        var held = Ids.Customer();
        await app.Host.PostTouchpoints(Touchpoint.SignUp(held, Touchpoint.Jan1));
        var csv = Encoding.UTF8.GetBytes(new HistoryFile().Purchase(held, "2025-02-01T10:00:00Z").ToString());

        JsonNode answer;
        await using (await HeldStreamLock.Of(AppFixture.Schema, held))
            (answer, _) = await Import(new MemoryStream(csv), csv.Length, 409);

        answer["detail"]!.GetValue<string>().ShouldStartWith("Stopped at line 2 after 0 touchpoints");
        answer["errors"]!["line 2"]![0]!.GetValue<string>()
            .ShouldBe($"customer {held} is busy: its stream stayed locked by another transaction for 2 s; send the file again once it is released");
        (await app.Store.EventCount(held)).ShouldBe(1);

        // Released: the same file lands.
        await Import(new MemoryStream(csv), csv.Length, 201);
        (await app.Store.EventCount(held)).ShouldBe(2);
    }

    [Fact]
    public async Task a_header_longer_than_any_row_refuses_the_file_by_its_line_without_sending_it_back()
    {
        var header = "type,touchpointId,customerId,occurredAt," + new string('y', 3_000_000);
        var csv = Encoding.UTF8.GetBytes(header + "\n");

        var (answer, text) = await Import(new MemoryStream(csv), csv.Length, 400);

        answer.ErrorKeys().ShouldBe(["file"]);
        answer["errors"]!["file"]![0]!.GetValue<string>().ShouldStartWith("line 1: longer than 65,536 bytes"); // TouchpointCsv.MaxLineBytes
        text.Length.ShouldBeLessThan(2_000);
    }

    [Fact]
    public async Task a_row_longer_than_any_row_refuses_the_file_by_its_line_and_imports_nothing()
    {
        var customer = Ids.Customer();
        var csv = Encoding.UTF8.GetBytes(new HistoryFile()
            .SignUp(customer, "2023-05-01T10:00:00Z")
            .Purchase(customer, "2023-06-01T10:00:00Z", category: new string('c', 64 * 1024)) // TouchpointCsv.MaxLineBytes
            .ToString());

        var (answer, _) = await Import(new MemoryStream(csv), csv.Length, 400);

        answer["errors"]!["file"]![0]!.GetValue<string>().ShouldStartWith("line 3: longer than");
        (await app.Store.EventCount(customer)).ShouldBe(0);
    }
}
