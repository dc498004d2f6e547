using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Operations;

/// <summary>
/// A client generator (NSwag, openapi-generator, Kiota) takes /openapi/v1.json at its word: how to
/// authenticate, each field's type, which fields an answer always holds, the words a field takes.
/// Each scenario is written from docs/api.md (and docs/value.md, which it links), not from the code.
/// </summary>
public class when_a_client_is_generated_from_the_openapi_document(AppFixture app)
{
    private const string Components = "#/components/schemas/";

    private Task<JsonNode> Document() => app.Host.GetJson("/openapi/v1.json");

    private static IEnumerable<(string Name, JsonNode Operation)> Operations(JsonNode document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Select(operation => ($"{operation.Key.ToUpperInvariant()} {path.Key}", operation.Value!)));

    private static JsonNode Schema(JsonNode document, string name) => document["components"]!["schemas"]![name]!;

    private static JsonNode Property(JsonNode document, string schema, string property) => Schema(document, schema)["properties"]![property]!;

    private static string[] Types(JsonNode schema) => schema["type"] switch
    {
        JsonArray types => types.Select(t => t!.GetValue<string>()).ToArray(),
        JsonValue type => [type.GetValue<string>()],
        _ => [],
    };

    [Fact]
    public async Task the_api_key_is_declared_and_every_operation_but_health_requires_it()
    {
        var document = await Document();

        // docs/api.md, "Access": a key in the X-Api-Key header on every route but /health (and the document itself, not in it).
        var scheme = document["components"]!["securitySchemes"]!["ApiKey"]!;
        scheme["type"]!.GetValue<string>().ShouldBe("apiKey");
        scheme["in"]!.GetValue<string>().ShouldBe("header");
        scheme["name"]!.GetValue<string>().ShouldBe("X-Api-Key");

        var faults = new List<string>();
        foreach (var (name, operation) in Operations(document))
        {
            var security = operation["security"]?.ToJsonString();
            if (name.EndsWith(" /health", StringComparison.Ordinal))
            {
                if (security is not null && security != "[]") faults.Add($"{name} asks for a key: {security}");
            }
            else if (security != """[{"ApiKey":[]}]""") faults.Add($"{name}: {security ?? "no security"}");
        }
        faults.ShouldBeEmpty();
    }

    [Fact]
    public async Task no_number_is_declared_as_a_string()
    {
        var document = await Document();

        // The service writes every number as a JSON number; a schema of ["integer", "string"] makes a
        // generated client's field a string or a union.
        var faults = new List<string>();
        void Walk(JsonNode? node, string where)
        {
            if (node is JsonObject schema)
            {
                var types = Types(schema);
                if (types.Contains("string") && (types.Contains("integer") || types.Contains("number")))
                    faults.Add($"{where}: {schema.ToJsonString()}");
                foreach (var (key, value) in schema) Walk(value, $"{where}/{key}");
            }
            else if (node is JsonArray array)
                for (var i = 0; i < array.Count; i++) Walk(array[i], $"{where}/{i}");
        }
        Walk(document, "");
        faults.ShouldBeEmpty();

        // A query parameter too (page=abc is a 400, docs/api.md), and the projection's version (a uint32).
        var page = document["paths"]!["/api/customers"]!["get"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "page")!;
        Types(page["schema"]!).ShouldBe(["integer"]);
        Types(Property(document, "ProjectionStatusView", "version")).ShouldBe(["integer"]);
    }

    [Fact]
    public async Task money_and_rates_are_declared_as_decimals_and_only_the_model_s_floats_as_doubles()
    {
        var document = await Document();

        // docs/api.md: amounts are kept exactly, to 28 significant digits: a decimal, not a binary float.
        foreach (var (schema, property) in new[] { ("ValueView", "current"), ("HistoricalView", "revenue"), ("OfferView", "amount"), ("DuplicatesPage", "rate") })
        {
            var field = Property(document, schema, property);
            Types(field).ShouldContain("number", $"{schema}.{property}");
            field["format"]?.GetValue<string>().ShouldBe("decimal", $"{schema}.{property}");
        }
        // A formula's parameters are decimals as well (docs/value.md, "Formulas": one a decimal cannot keep is a 400).
        document["paths"]!["/api/formulas"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!["properties"]!["parameters"]!["additionalProperties"]!["format"]!
            .GetValue<string>().ShouldBe("decimal");
        // The fitted model's log-likelihoods are doubles, and say so.
        Property(document, "ModelView", "purchaseLogLikelihood")["format"]!.GetValue<string>().ShouldBe("double");
    }

    [Fact]
    public async Task an_answer_of_one_data_quality_list_holds_every_field_its_schema_requires()
    {
        var document = await Document();
        var reference = document["paths"]!["/api/data-quality/{list}"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
        var analysis = Property(document, reference[Components.Length..], "analysis")["oneOf"]!.AsArray()
            .Select(s => s!["$ref"]?.GetValue<string>()).Single(r => r is not null)!;
        var required = Schema(document, analysis[Components.Length..])["required"]!.AsArray().Select(r => r!.GetValue<string>());

        // docs/api.md: GET /api/data-quality/{list} answers "that list alone": the other two are not in it.
        var answer = (await app.Host.GetJson("/api/data-quality/errors"))["analysis"]!.AsObject();
        answer.ContainsKey("errors").ShouldBeTrue();
        answer.ContainsKey("duplicates").ShouldBeFalse();
        required.ShouldBeSubsetOf(answer.Select(field => field.Key));
    }

    [Fact]
    public async Task a_problem_naming_a_parameter_that_does_not_read_is_declared_with_that_field()
    {
        // docs/api.md: page=abc is a 400 whose errors name the parameter, "and an extension parameter too".
        var problem = await app.Host.GetJson("/api/customers?page=abc", 400);
        problem["parameter"]!.GetValue<string>().ShouldBe("page");

        var properties = Schema(await Document(), "ProblemDetails")["properties"]!.AsObject();
        problem.AsObject().Select(field => field.Key).ShouldBeSubsetOf(properties.Select(p => p.Key));
        Types(properties["parameter"]!).ShouldBe(["string"]);
    }

    [Fact]
    public async Task every_route_lists_the_414_and_431_and_every_api_route_the_415()
    {
        var document = await Document();

        // docs/api.md, first section: 414 for a request line over 8 KB and 431 for headers over 32 KB, whatever
        // the route; "Bodies on every /api route": a Content-Encoding other than identity is a 415 on each.
        var faults = new List<string>();
        foreach (var (name, operation) in Operations(document))
        {
            var statuses = operation["responses"]!.AsObject().Select(r => r.Key).ToList();
            foreach (var status in name.Contains(" /api/", StringComparison.Ordinal) ? new[] { "414", "415", "431" } : ["414", "431"])
                if (!statuses.Contains(status)) faults.Add($"{name}: no {status}");
        }
        faults.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_401_is_declared_with_the_www_authenticate_it_carries()
    {
        var headers = (await Document())["paths"]!["/api/customers"]!["get"]!["responses"]!["401"]!["headers"]!;

        headers["WWW-Authenticate"].ShouldNotBeNull();
    }

    // docs/value.md, section 1: the forms a moment takes, and some it does not.
    [Theory]
    [InlineData("/api/models/refit", "asOf")]
    [InlineData("/api/audit/anchor/verify", "takenAt")]
    [InlineData("/api/replays", "asOf")]
    public async Task a_moment_in_a_body_is_declared_as_the_forms_the_route_takes(string route, string field)
    {
        var schema = (await Document())["paths"]![route]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!["properties"]![field]!;

        // A bare date, or a date and time without an offset, is no RFC 3339 date-time: a validating client refused them.
        schema["format"].ShouldBeNull();
        Types(schema).ShouldBe(["string"]);
        var pattern = new Regex(schema["pattern"]!.GetValue<string>(), RegexOptions.ECMAScript);
        foreach (var taken in new[] { "2026-12-06", "2024-03-01T10:15", "2024-03-01T10:15:00", "2024-03-01T10:15:00.1234567Z", "2024-03-01T10:15:00+01:00" })
            pattern.IsMatch(taken).ShouldBeTrue(taken);
        foreach (var refused in new[] { "2024-3-1", "04/01/2025", "2025-05", "10:00", "2025-12-31+01:00", "2024-03-01T10:15:00.12345678", "2024-03-01 10:15" })
            pattern.IsMatch(refused).ShouldBeFalse(refused);
    }

    // The words docs/api.md (and docs/value.md, docs/projections.md) give each field, in any order.
    [Theory]
    [InlineData("CustomerView", "state", "prospect,active,cancellation-requested,retained,churned")]
    [InlineData("TimelineView", "state", "prospect,active,cancellation-requested,retained,churned")]
    [InlineData("RetentionView", "state", "prospect,active,cancellation-requested,retained,churned")]
    [InlineData("TimelineView", "order", "oldest,newest")]
    [InlineData("ValueHistoryView", "order", "oldest,newest")]
    [InlineData("ValueView", "tier", "high,medium,low,negative,none,not-computable")]
    [InlineData("ValuePoint", "tier", "high,medium,low,negative,none,not-computable")]
    [InlineData("PendingCancellationView", "decision", "assessing,offer-made,no-offer,not-assessed")]
    [InlineData("PendingItemView", "decision", "assessing,offer-made,no-offer,not-assessed")]
    [InlineData("TouchpointReceiptView", "result", "appended,repeated")]
    [InlineData("ReplayView", "state", "running,completed,failed,interrupted")]
    [InlineData("ReplayStarted", "state", "running,completed,failed,interrupted")]
    // unreachable: a database of several out of reach (docs/reliability.md, "One database of several out"; since 2026-12-07, night).
    // taken-over: a database whose new build has taken over while another's swap waits (docs/api.md, Projections; since 2026-12-08, small hours).
    [InlineData("ProjectionStatusView", "state", "inline,caught-up,catching-up,rebuilding,taken-over,unreachable")]
    [InlineData("DatabaseProgressView", "state", "inline,caught-up,catching-up,rebuilding,taken-over,unreachable")]
    [InlineData("ProjectionStatusView", "lifecycle", "inline,async")]
    [InlineData("RebuildView", "state", "rebuilding,completed,failed")]
    [InlineData("KeyView", "roles", "ingest,desk,auditor,data,admin")]
    [InlineData("CallerView", "groups", "read,append,import,formulas,formula-versions,models,replays,export,audit,projections,keys,erasure")]
    [InlineData("QuadrantCustomersPage", "quadrant", "high-value-high-potential,high-value-low-potential,low-value-high-potential,low-value-low-potential")]
    // docs/privacy.md, the erasure's answers (since 2026-12-07, evening).
    [InlineData("ErasureView", "result", "erased,already-erased")]
    [InlineData("ErasureView", "fields", "name,email,source,reason,purpose,channel")]
    public async Task a_field_of_a_closed_set_of_words_declares_them(string schema, string property, string words)
    {
        var field = Property(await Document(), schema, property);

        var listed = field["items"] ?? field;
        listed["enum"].ShouldNotBeNull($"{schema}.{property} lists no words");
        listed["enum"]!.AsArray().Select(word => word!.GetValue<string>()).ShouldBe(words.Split(','), ignoreOrder: true);
    }

    [Theory]
    [InlineData("/api/customers/{id}/timeline", "order", "oldest,newest")]
    [InlineData("/api/customers/{id}/value-history", "order", "oldest,newest")]
    [InlineData("/api/replays/{id}/customers/{customerId}", "order", "oldest,newest")]
    [InlineData("/api/retention/pending", "order", "lapse,value")]
    [InlineData("/api/replays", "state", "running,completed,failed,interrupted")]
    [InlineData("/api/data-quality/{list}", "list", "duplicates,errors,completeness")]
    [InlineData("/api/portfolio/segments/{quadrant}/customers", "quadrant", "high-value-high-potential,high-value-low-potential,low-value-high-potential,low-value-low-potential")]
    public async Task a_parameter_of_a_closed_set_of_words_declares_them(string route, string parameter, string words)
    {
        var parameters = (await Document())["paths"]![route]!["get"]!["parameters"]!.AsArray();

        var schema = parameters.Single(p => p!["name"]!.GetValue<string>() == parameter)!["schema"]!;
        schema["enum"].ShouldNotBeNull($"{route} {parameter} lists no words");
        schema["enum"]!.AsArray().Select(word => word!.GetValue<string>()).ShouldBe(words.Split(','), ignoreOrder: true);
    }

    // docs/api.md, the paged lists' table ("pageSize default, maximum"), and the timeline's and value history's
    // 1 to 1,000 (default 1,000), a replayed customer's paged as the value history; page 1 to 1,000,000 everywhere.
    [Theory]
    [InlineData("/api/customers", 20, 200)]
    [InlineData("/api/retention/pending", 20, 200)]
    [InlineData("/api/replays", 50, 200)]
    [InlineData("/api/replays/{id}/diff", 50, 500)]
    [InlineData("/api/portfolio/segments/{quadrant}/customers", 100, 1_000)]
    [InlineData("/api/data-quality", 100, 1_000)]
    [InlineData("/api/data-quality/{list}", 100, 1_000)]
    [InlineData("/api/customers/{id}/timeline", 1_000, 1_000)]
    [InlineData("/api/customers/{id}/value-history", 1_000, 1_000)]
    [InlineData("/api/replays/{id}/customers/{customerId}", 1_000, 1_000)]
    public async Task a_paged_list_declares_its_page_and_page_size_bounds_and_defaults(string route, int defaultSize, int maxSize)
    {
        var parameters = (await Document())["paths"]![route]!["get"]!["parameters"]!.AsArray();
        JsonNode Schema(string name) => parameters.Single(p => p!["name"]!.GetValue<string>() == name)!["schema"]!;

        var (page, pageSize) = (Schema("page"), Schema("pageSize"));
        (page["minimum"]?.GetValue<int>(), page["maximum"]?.GetValue<int>(), page["default"]?.GetValue<int>()).ShouldBe((1, 1_000_000, 1));
        (pageSize["minimum"]?.GetValue<int>(), pageSize["maximum"]?.GetValue<int>(), pageSize["default"]?.GetValue<int>()).ShouldBe((1, maxSize, defaultSize));
    }

    [Fact]
    public async Task a_timeline_entry_is_declared_with_the_fields_every_line_has_and_room_for_its_type_s_own()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(Touchpoint.SignUp(customer, Touchpoint.Jan1));
        await app.Host.PostTouchpoints(Touchpoint.Purchase(customer, Touchpoint.Jan1.AddDays(1)));
        var items = Property(await Document(), "TimelineView", "entries")["items"];

        // docs/api.md: each entry is {touchpointId, type, occurredAt, recordedAt, state, version, ...fields of its type}.
        items.ShouldNotBeNull("entries has no items");
        var required = items["required"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        required.ShouldBe(["touchpointId", "type", "occurredAt", "recordedAt", "state", "version"], ignoreOrder: true);
        items["additionalProperties"]?.GetValue<bool>().ShouldNotBe(false);
        Types(items["properties"]!["version"]!).ShouldBe(["integer"]);
        foreach (var entry in (await app.Host.GetJson($"/api/customers/{customer}/timeline"))["entries"]!.AsArray())
        {
            required.ShouldBeSubsetOf(entry!.AsObject().Select(field => field.Key));
            items["properties"]!["type"]!["enum"]!.AsArray().Select(t => t!.GetValue<string>()).ShouldContain(entry["type"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task a_touchpoint_post_and_an_import_declare_the_bodies_they_take()
    {
        var document = await Document();

        // docs/api.md, POST /api/touchpoints: one touchpoint or an array of up to 1,000; every touchpoint has
        // touchpointId, customerId, type and occurredAt, then the fields of its type; the service's own types cannot be sent.
        var body = document["paths"]!["/api/touchpoints"]!["post"]!["requestBody"];
        body.ShouldNotBeNull("POST /api/touchpoints declares no body");
        var shapes = body["content"]!["application/json"]!["schema"]!["oneOf"]!.AsArray();
        var one = shapes.Single(s => Types(s!).SequenceEqual(["object"]))!;
        var many = shapes.Single(s => Types(s!).SequenceEqual(["array"]))!;
        many["maxItems"]!.GetValue<int>().ShouldBe(1_000);
        many["items"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["touchpointId", "customerId", "type", "occurredAt"], ignoreOrder: true);
        one["required"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["touchpointId", "customerId", "type", "occurredAt"], ignoreOrder: true);
        one["additionalProperties"]?.GetValue<bool>().ShouldNotBe(false);
        var types = one["properties"]!["type"]!["enum"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
        types.ShouldContain("purchase");
        types.ShouldContain("retention-offer-accepted");
        types.ShouldNotContain("retention-offer-made");
        // With its offset; seconds optional, up to 9 fraction digits: no RFC 3339 date-time.
        var occurredAt = new Regex(one["properties"]!["occurredAt"]!["pattern"]!.GetValue<string>(), RegexOptions.ECMAScript);
        foreach (var taken in new[] { "2025-03-01T10:15:00+01:00", "2025-03-01T10:15Z", "2025-03-01T10:15:00.123456789Z" })
            occurredAt.IsMatch(taken).ShouldBeTrue(taken);
        foreach (var refused in new[] { "2025-03-01T10:15:00", "2025-03-01" })
            occurredAt.IsMatch(refused).ShouldBeFalse(refused);

        // docs/api.md, POST /api/imports: a CSV history file, Content-Type: text/csv.
        var import = document["paths"]!["/api/imports"]!["post"]!["requestBody"];
        import.ShouldNotBeNull("POST /api/imports declares no body");
        import["content"]!["text/csv"].ShouldNotBeNull();
    }
}
