using Alba;
using EventCrm.Tests.Support;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

/// <summary>The Accept header is weighed, not searched: CSV only when text/csv is acceptable and preferred.</summary>
public class when_choosing_the_export_format(AppFixture app)
{
    private const string Ndjson = "application/x-ndjson";
    private const string Csv = "text/csv";

    private async Task<string> ContentTypeFor(string customer, string? accept)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/events?customerId={customer}");
            if (accept is not null) s.WithRequestHeader("Accept", accept);
            s.StatusCodeShouldBe(200);
        });
        var body = await result.ReadAsTextAsync();
        var type = result.Context.Response.ContentType ?? "";
        // The body is what the content type says: a CSV header line, or a JSON object.
        if (type.StartsWith(Csv)) body.ShouldStartWith("sequence,customerId,");
        else body.ShouldStartWith("{");
        return type.Split(';')[0];
    }

    [Theory]
    [InlineData(null, Ndjson)]
    [InlineData("*/*", Ndjson)]
    [InlineData("text/csv", Csv)]
    [InlineData("text/*", Csv)]
    [InlineData("text/csv;q=0", Ndjson)]
    [InlineData("application/json, text/csv;q=0.1", Ndjson)]
    [InlineData("text/csv;q=0.8, */*;q=0.9", Ndjson)]
    [InlineData("application/x-ndjson;q=0.5, text/csv", Csv)]
    [InlineData("text/csv;q=0.9, application/json;q=0.2", Csv)]
    [InlineData("text/csv, application/x-ndjson", Ndjson)]
    // A q that is no number from 0 to 1 makes the header malformed: it asks for nothing, so the default.
    [InlineData("text/csv;q=-1", Ndjson)]
    [InlineData("text/csv;q=abc", Ndjson)]
    [InlineData("text/csv;q=1.5", Ndjson)]
    public async Task the_format_is_the_best_acceptable_one(string? accept, string expected)
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));

        (await ContentTypeFor(customer, accept)).ShouldBe(expected, $"Accept: {accept}");
    }

    [Fact]
    public async Task spreadsheet_safe_with_csv_refused_by_q_0_is_400()
    {
        await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/events?customerId=nobody&spreadsheetSafe=true");
            s.WithRequestHeader("Accept", "text/csv;q=0");
            s.StatusCodeShouldBe(400);
        });
    }
}
