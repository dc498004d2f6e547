using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Marten;
using Npgsql;
using Shouldly;

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

    /// <summary>A body sent as written (a misspelt field, a string for a number, JSON that does not parse) to any route.</summary>
    public static async Task<JsonNode> PostRaw(this IAlbaHost host, string url, string body, int expectedStatus)
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Text(body).ToUrl(url);
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(expectedStatus);
        });
        return JsonNode.Parse(await result.ReadAsTextAsync())!;
    }

    /// <summary>An import file (CSV text) sent as a CRM sends it: its answer, the import's report or its problem.</summary>
    public static async Task<JsonNode> PostImport(this IAlbaHost host, string file, int expectedStatus)
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Text(file).ToUrl("/api/imports");
            s.WithRequestHeader("Content-Type", "text/csv");
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

    /// <summary>How many transactions wrote these customers' events (rows of one transaction share its xmin).</summary>
    public static async Task<long> TransactionsThatWrote(this IDocumentStore store, IEnumerable<string> customers)
    {
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select count(distinct xmin::text) from {store.Options.Events.DatabaseSchemaName}.mt_events where stream_id = any(@c)", connection);
        command.Parameters.AddWithValue("c", customers.ToArray());
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Events in the customer's stream, read from the store itself rather than through the API.</summary>
    public static async Task<int> EventCount(this IDocumentStore store, string customerId)
    {
        await using var session = store.QuerySession();
        return (await session.Events.FetchStreamAsync(customerId)).Count;
    }

    public static string[] ErrorKeys(this JsonNode problem) =>
        problem["errors"]!.AsObject().Select(p => p.Key).OrderBy(k => k, StringComparer.Ordinal).ToArray();

    /// <summary>Registers a version of a formula and answers its "name@version".</summary>
    public static Task<string> RegisterFormula(this AppFixture app, string name, object parameters) => app.Host.RegisterFormula(name, parameters);

    /// <summary>
    /// Registers a version of a formula and answers its "name@version": a new one (201), or the
    /// latest when it holds these parameters already (200), as when another scenario registered them.
    /// </summary>
    public static async Task<string> RegisterFormula(this IAlbaHost host, string name, object parameters)
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Json(new { name, parameters }).ToUrl("/api/formulas");
            s.IgnoreStatusCode();
        });
        result.Context.Response.StatusCode.ShouldBeOneOf(201, 200);
        var registered = JsonNode.Parse(await result.ReadAsTextAsync())!;
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
