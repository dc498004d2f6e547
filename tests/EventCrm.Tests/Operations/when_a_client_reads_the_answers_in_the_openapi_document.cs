using System.Text.Json.Nodes;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Operations;

/// <summary>
/// A client generated from /openapi/v1.json treats any status the document does not list as
/// unexpected: each route must list what docs/api.md (and the docs it links) says it answers.
/// </summary>
public class when_a_client_reads_the_answers_in_the_openapi_document(AppFixture app)
{
    private const string Components = "#/components/schemas/";
    private const string Problem = Components + "ProblemDetails";

    // Written from the documentation, not from the code: 401 and 403 for a route that needs a key
    // of some roles ("Access"), 401 alone for one any key may use, 429 on every route that needs a
    // key (too many unknown keys from an address, a key over its rate), 503 on any route while the
    // database is unavailable, 413 for a body over the limit, 414 and 431 on any route (a request line
    // over 8 KB, headers over 32 KB), 415 for a Content-Encoding on any /api route and 400 on any
    // /api route for a query parameter it does not take (so neither on /health).
    [Theory]
    [InlineData("post", "/api/touchpoints", "200,201,400,401,403,404,409,413,414,415,429,431,503")]
    [InlineData("post", "/api/imports", "200,201,400,401,403,409,413,414,415,422,429,431,503")]
    [InlineData("post", "/api/replays", "202,400,401,403,404,413,414,415,429,431,503")]
    [InlineData("delete", "/api/replays/{id}", "204,400,401,403,404,409,414,415,429,431,503")]
    [InlineData("get", "/api/replays/{id}/diff", "200,400,401,403,404,409,414,415,429,431,503")]
    [InlineData("get", "/api/events", "200,400,401,403,414,415,429,431,503")]
    [InlineData("post", "/api/projections/{name}/rebuild", "202,400,401,403,404,409,414,415,422,429,431,503")]
    [InlineData("get", "/api/customers/{id}/value", "200,400,401,403,404,409,414,415,422,429,431,503")]
    [InlineData("get", "/api/customers/{id}", "200,400,401,403,404,414,415,429,431,503")]
    [InlineData("get", "/api/customers", "200,400,401,403,414,415,429,431,503")]
    [InlineData("post", "/api/customers/{id}/erasure", "200,400,401,403,404,409,414,415,429,431,503")]
    [InlineData("post", "/api/keys", "201,400,401,403,413,414,415,429,431,503")]
    [InlineData("get", "/api/keys/me", "200,400,401,414,415,429,431,503")]
    [InlineData("get", "/api/formulas", "200,400,401,403,414,415,429,431,503")]
    [InlineData("post", "/api/models/refit", "201,400,401,403,413,414,415,422,429,431,503")]
    [InlineData("post", "/api/audit/anchor/verify", "200,400,401,403,413,414,415,422,429,431,503")]
    [InlineData("get", "/health", "200,414,431,503")]
    public async Task each_route_lists_the_statuses_its_documentation_gives(string method, string route, string statuses)
    {
        var responses = (await Operation(method, route))["responses"]!.AsObject();

        responses.Select(r => r.Key).Order(StringComparer.Ordinal).ShouldBe(statuses.Split(','));
    }

    [Fact]
    public async Task every_operation_has_a_success_and_every_refusal_is_a_problem_document()
    {
        var document = await app.Host.GetJson("/openapi/v1.json");

        var faults = new List<string>();
        foreach (var (path, operations) in document["paths"]!.AsObject())
        foreach (var (method, operation) in operations!.AsObject())
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            var responses = operation!["responses"]!.AsObject();
            if (!responses.Any(r => r.Key.StartsWith('2'))) faults.Add($"{name}: no 2xx");
            foreach (var (status, response) in responses)
            {
                if (string.IsNullOrWhiteSpace(response!["description"]?.GetValue<string>())) faults.Add($"{name} {status}: no description");
                if (response.ToJsonString().Contains("IResult", StringComparison.Ordinal)) faults.Add($"{name} {status}: the empty IResult schema");
                if (status[0] is '4' or '5' && ProblemSchemaOf(response) != Problem) faults.Add($"{name} {status}: not a problem document");
            }
        }

        faults.ShouldBeEmpty();
    }

    [Fact]
    public async Task the_problem_schema_has_the_documented_fields()
    {
        var document = await app.Host.GetJson("/openapi/v1.json");

        var problem = document["components"]!["schemas"]!["ProblemDetails"]!;
        var fields = problem["properties"]!.AsObject().Select(p => p.Key).ToArray();
        new[] { "type", "title", "status", "detail", "traceId", "errors" }.ShouldBeSubsetOf(fields);
        // errors: by field (or array item), the messages about it.
        problem["properties"]!["errors"]!["additionalProperties"]!["items"]!["type"]!.GetValue<string>().ShouldBe("string");
    }

    [Fact]
    public async Task the_answers_say_how_they_come()
    {
        // The export as NDJSON or, asked for, CSV (docs/api.md, "GET /api/events").
        var export = (await Operation("get", "/api/events"))["responses"]!["200"]!["content"]!.AsObject();
        export.Select(c => c.Key).ShouldBe(["application/x-ndjson", "text/csv"], ignoreOrder: true);

        // A deletion answers 204, which has no body.
        (await Operation("delete", "/api/replays/{id}"))["responses"]!["204"]!["content"].ShouldBeNull();

        // 202 and 201 point to what they started or made; a 503 and a 429 say when to come back.
        (await Operation("post", "/api/replays"))["responses"]!["202"]!["headers"]!["Location"].ShouldNotBeNull();
        (await Operation("post", "/api/keys"))["responses"]!["201"]!["headers"]!["Location"].ShouldNotBeNull();
        (await Operation("get", "/health"))["responses"]!["503"]!["headers"]!["Retry-After"].ShouldNotBeNull();
        (await Operation("get", "/api/customers"))["responses"]!["429"]!["headers"]!["Retry-After"].ShouldNotBeNull();

        // A route that returns a typed body keeps its schema.
        (await Operation("get", "/api/formulas"))["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!
            .GetValue<string>().ShouldBe("#/components/schemas/FormulasView");
    }

    // The fields docs/api.md (and docs/value.md, which it links) gives each answer, written from
    // the documentation: a client generated from the document must see them, not an untyped body.
    [Theory]
    [InlineData("get", "/api/customers/{id}", "200", "customerId,name,email,segment,channel,state,signedUp,touchpointCount,firstOccurredAt,lastOccurredAt,lastRecordedAt,version")]
    [InlineData("get", "/api/customers/{id}/timeline", "200", "customerId,name,state,order,page,pageSize,total,entries")]
    [InlineData("get", "/api/customers", "200", "search,page,pageSize,total,customers")]
    [InlineData("get", "/api/customers/{id}/value", "200", "customerId,asOf,knownAt,formula,historical,current,potential,tier,inputs,note,touchpointsCounted,model,outlook")]
    [InlineData("post", "/api/customers/{id}/erasure", "200", "customerId,result,erasedAt,requestedBy,fields,eventsMasked,eventsKept")]
    [InlineData("post", "/api/projections/{name}/rebuild", "202", "name,lifecycle,version,state,position,highWaterMark,eventsBehind,lastRebuild,servingPosition,databases,daemonRunning")]
    [InlineData("get", "/health", "200", "status,database")]
    [InlineData("post", "/api/replays", "202", "id,state,isNew")]
    [InlineData("get", "/api/models/current", "200", "fittedAt,asOf,model")]
    public async Task each_success_refers_to_a_schema_with_the_documented_fields(string method, string route, string status, string fields)
    {
        var document = await app.Host.GetJson("/openapi/v1.json");

        var schema = document["paths"]![route]![method]!["responses"]![status]!["content"]!["application/json"]!["schema"]!;
        var reference = schema["$ref"]?.GetValue<string>();
        reference.ShouldNotBeNull($"{method.ToUpperInvariant()} {route} {status} has no schema in components");
        reference.ShouldStartWith(Components);
        var properties = document["components"]!["schemas"]![reference[Components.Length..]]!["properties"]!.AsObject();
        fields.Split(',').ShouldBeSubsetOf(properties.Select(p => p.Key));
    }

    [Fact]
    public async Task a_schema_names_the_fields_as_the_answer_writes_them()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(Touchpoint.SignUp(customer, Touchpoint.Jan1));
        var document = await app.Host.GetJson("/openapi/v1.json");

        foreach (var (route, url) in new[]
                 {
                     ("/api/customers/{id}", $"/api/customers/{customer}"),
                     ("/api/customers/{id}/value", $"/api/customers/{customer}/value"),
                     ("/health", "/health"),
                 })
        {
            var answer = (await app.Host.GetJson(url)).AsObject().Select(p => p.Key);
            var reference = document["paths"]![route]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
            var schema = document["components"]!["schemas"]![reference[Components.Length..]]!["properties"]!.AsObject().Select(p => p.Key);
            schema.ShouldBe(answer, ignoreOrder: true, customMessage: route);
        }
    }

    // docs/api.md: a route that takes no body refuses one with 400 (errors.body), besides a query parameter it does not take.
    [Theory]
    [InlineData("post", "/api/customers/{id}/erasure")]
    public async Task a_route_that_takes_no_body_says_its_400_refuses_one(string method, string route)
    {
        var description = (await Operation(method, route))["responses"]!["400"]!["description"]!.GetValue<string>();

        description.ShouldContain("query parameter");
        description.ShouldContain("errors.body");
    }

    [Fact]
    public async Task a_read_route_s_400_names_its_query_string_only()
    {
        (await Operation("get", "/api/customers/{id}"))["responses"]!["400"]!["description"]!.GetValue<string>().ShouldNotContain("errors.body");
    }

    /// <summary>
    /// Every portfolio answer says how far the ledgers it valued had folded the log (docs/value.md, "Portfolio routes"):
    /// a generated client must have the field to read it.
    /// </summary>
    [Theory]
    [InlineData("/api/portfolio/pareto")]
    [InlineData("/api/portfolio/segments")]
    [InlineData("/api/portfolio/segments/{quadrant}/customers")]
    [InlineData("/api/kpis")]
    [InlineData("/api/data-quality")]
    [InlineData("/api/data-quality/{list}")]
    public async Task each_portfolio_answer_declares_how_far_the_ledgers_had_folded_the_log(string route)
    {
        var document = await app.Host.GetJson("/openapi/v1.json");
        var answer = Resolved(document, document["paths"]![route]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!);

        var progress = Resolved(document, answer["properties"]!["ledgerProgress"]!);

        progress["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal)
            .ToArray().ShouldBe(["caughtUp", "eventsBehind", "highWaterMark", "position"], route);
    }

    // The schema a reference (maybe among a nullable's oneOf) points to, or the node itself when it holds its properties.
    private static JsonNode Resolved(JsonNode document, JsonNode schema)
    {
        if (schema["properties"] is not null) return schema;
        var reference = schema["$ref"]?.GetValue<string>()
                        ?? (schema["oneOf"] ?? schema["anyOf"])?.AsArray().Select(s => s!["$ref"]?.GetValue<string>()).FirstOrDefault(r => r is not null)
                        ?? throw new ShouldAssertException($"no schema reference in {schema.ToJsonString()}");
        return Resolved(document, document["components"]!["schemas"]![reference[Components.Length..]]!);
    }

    private async Task<JsonNode> Operation(string method, string route) =>
        (await app.Host.GetJson("/openapi/v1.json"))["paths"]![route]![method]!;

    private static string? ProblemSchemaOf(JsonNode response) =>
        response["content"] is JsonObject content && content.Count == 1
            ? content["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>()
            : null;
}
