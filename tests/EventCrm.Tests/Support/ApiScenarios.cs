using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Marten;

namespace EventCrm.Tests.Support;

public static class ApiScenarios
{
    public static async Task<JsonNode> PostTouchpoints(this IAlbaHost host, object body, int expectedStatus = 201)
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl("/api/touchpoints");
            s.StatusCodeShouldBe(expectedStatus);
        });
        return JsonNode.Parse(await result.ReadAsTextAsync())!;
    }

    public static async Task<JsonNode> PostRaw(this IAlbaHost host, string body, int expectedStatus)
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Text(body).ToUrl("/api/touchpoints");
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(expectedStatus);
        });
        return JsonNode.Parse(await result.ReadAsTextAsync())!;
    }

    public static async Task<JsonNode> GetJson(this IAlbaHost host, string url, int expectedStatus = 200)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url(url);
            s.StatusCodeShouldBe(expectedStatus);
        });
        return JsonNode.Parse(await result.ReadAsTextAsync())!;
    }

    public static async Task<JsonArray> TimelineEntries(this IAlbaHost host, string customerId) =>
        (await host.GetJson($"/api/customers/{Uri.EscapeDataString(customerId)}/timeline"))["entries"]!.AsArray();

    /// <summary>Events in the customer's stream, read from the store itself rather than through the API.</summary>
    public static async Task<int> EventCount(this IDocumentStore store, string customerId)
    {
        await using var session = store.QuerySession();
        return (await session.Events.FetchStreamAsync(customerId)).Count;
    }

    public static string[] ErrorKeys(this JsonNode problem) =>
        problem["errors"]!.AsObject().Select(p => p.Key).OrderBy(k => k, StringComparer.Ordinal).ToArray();

    /// <summary>Registers a new version of a formula and answers its "name@version".</summary>
    public static async Task<string> RegisterFormula(this AppFixture app, string name, object parameters)
    {
        var registered = await app.Host.PostJson("/api/formulas", new { name, parameters }, 201);
        return $"{registered["name"]!.GetValue<string>()}@{registered["version"]!.GetValue<int>()}";
    }

    public static async Task<JsonNode> PostJson(this IAlbaHost host, string url, object body, int expectedStatus)
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            s.StatusCodeShouldBe(expectedStatus);
        });
        return JsonNode.Parse(await result.ReadAsTextAsync())!;
    }
}
