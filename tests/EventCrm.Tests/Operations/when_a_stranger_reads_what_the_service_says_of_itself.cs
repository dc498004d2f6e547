using System.Text.Json.Nodes;
using EventCrm.Tests.Reliability;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Operations;

/// <summary>
/// A security review (2026-12-07), over a real server: every answer said "Server: Kestrel", and the OpenAPI document
/// named as its server whatever host the request's Host header gave, a document that may be cached then sending the
/// clients generated from it to that host. Neither is said now.
/// </summary>
public class when_a_stranger_reads_what_the_service_says_of_itself(KestrelHost kestrel) : IClassFixture<KestrelHost>
{
    private HttpClient Client() => kestrel.Client(TimeSpan.FromSeconds(30));

    [Theory]
    [InlineData("/health")]
    [InlineData("/")]
    [InlineData("/api/customers?search=anyone")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/api/no-such-route")]
    public async Task no_answer_names_the_server_it_comes_from(string path)
    {
        using var client = Client();
        using var answer = await client.GetAsync(path, TestContext.Current.CancellationToken);

        answer.Headers.Contains("Server").ShouldBeFalse($"{path} answered with Server: {string.Join(", ", answer.Headers.TryGetValues("Server", out var s) ? s : [])}");
    }

    [Fact]
    public async Task the_openapi_document_names_no_host_whatever_the_request_says()
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Host = "evil.example";

        using var answer = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        ((int)answer.StatusCode).ShouldBe(200, text);
        text.ShouldNotContain("evil.example");
        var document = JsonNode.Parse(text)!.AsObject();
        document.ContainsKey("servers").ShouldBeFalse(document["servers"]?.ToJsonString());
        document["paths"]!.AsObject().ContainsKey("/api/customers").ShouldBeTrue("the document still describes the routes");
    }
}
