using System.Text.Json.Nodes;
using EventCrm.Tests.Support;
using Marten;
using Shouldly;

namespace EventCrm.Tests.Values;

/// <summary>A schema of its own: no other scenario refits, chooses formulas or makes keys there while these count them.</summary>
/// <remarks>Its log has a level of its own, as an operator sets one for the console (<c>Logging:Console:LogLevel</c>): such a
/// level outranks every rule set for no provider in particular, which once let Wolverine's errors for unbound bodies through
/// (until 2026-12-07 Wolverine bound the anchor's body): a refused body must log no warning under any level.</remarks>
public sealed class StrictBodiesHost() : SchemaHost("eventcrm_strict_bodies", ($"Logging:{typeof(CapturedLogs).FullName}:LogLevel:Default", "Information"))
{
    public CapturedLogs Captured { get; } = new();
    protected override CapturedLogs? Logs => Captured;

    /// <summary>The first purchase: a refit as of a moment before it has nothing to fit on.</summary>
    public static readonly DateTimeOffset FirstPurchase = new(2024, 3, 10, 12, 0, 0, TimeSpan.Zero);

    // A purchase to fit on: a refit on none is refused (when_a_refit_would_fit_on_no_purchase).
    protected override Task SeedAsync() => Host.PostTouchpoints(new[]
    {
        Touchpoint.SignUp("strict-1", FirstPurchase.AddDays(-30)), Touchpoint.Purchase("strict-1", FirstPurchase),
    });
}

/// <summary>
/// POST /api/models/refit, POST /api/formulas/default and POST /api/keys read their bodies field by
/// field, as POST /api/formulas and POST /api/replays do (docs/api.md): a misspelt field (<c>as_of</c>),
/// a value of the wrong kind or a body that does not parse is a 400 problem naming the field, and
/// nothing is recorded. Until 2026-12-05 a misspelt <c>as_of</c> was dropped and a refit as of now
/// recorded in its place, and a wrong kind got Wolverine's own problem ("Invalid JSON format",
/// naming .NET types, without <c>errors</c>).
/// </summary>
public class when_a_refit_default_formula_or_key_request_is_misspelt(StrictBodiesHost app) : IClassFixture<StrictBodiesHost>
{
    private async Task<long> Events()
    {
        await using var session = app.Store.QuerySession();
        return await session.Events.QueryAllRawEvents().LongCountAsync();
    }

    private async Task<int> Keys() => (await app.Host.GetJson("/api/keys")).AsArray().Count;

    private static void ShouldBeACleanProblem(JsonNode problem, string field)
    {
        problem.ErrorKeys().ShouldBe([field]);
        problem["type"]!.GetValue<string>().ShouldStartWith("https://tools.ietf.org/html/rfc9110");
        problem.ToJsonString().ShouldNotContain("System.");
        problem.ToJsonString().ShouldNotContain("EventCrm.");
    }

    [Theory]
    [InlineData("""{"as_of":"2025-01-01T00:00:00Z"}""", "as_of")]
    [InlineData("""{"AsOf":"2025-01-01T00:00:00Z"}""", "AsOf")]
    [InlineData("""{"asOf":20250101}""", "asOf")]
    [InlineData("""{"asOf":"30/06/2025"}""", "asOf")]
    [InlineData("""{"asOf":"\ud83d\ude00\ud83d"}""", "asOf")]                     // half a surrogate pair: no text at all
    [InlineData("""{"asOf":"2025-01-01T00:00:00Z" """, "body")]
    [InlineData("""["2025-01-01"]""", "body")]
    public async Task a_refit_body_that_does_not_read_is_a_400_naming_the_field_and_fits_nothing(string body, string field)
    {
        var before = await Events();

        var problem = await app.Host.PostRaw("/api/models/refit", body, 400);

        ShouldBeACleanProblem(problem, field);
        (await Events()).ShouldBe(before);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{"asOf":"2025-06-30T23:59:59Z"}""")]
    public async Task a_refit_with_no_body_an_empty_object_or_an_asOf_still_fits(string body)
    {
        var before = await Events();

        await app.Host.PostRaw("/api/models/refit", body, 201);

        (await Events()).ShouldBe(before + 1);
    }

    /// <summary>
    /// A refit as of 0001-01-01 was fitted on nothing (customers 0, purchases null) and put in force: bgnbd-gg then
    /// answered 409 for every customer. As of a moment before the first purchase there is nothing to fit.
    /// </summary>
    [Theory]
    [InlineData("0001-01-01")]                      // before any touchpoint may be dated (1900)
    [InlineData("2024-02-09")]                      // the customer signed up (9 February) but had not bought yet
    [InlineData("2024-03-10T11:59:59Z")]            // a second before the first purchase
    public async Task a_refit_as_of_a_moment_before_the_first_purchase_is_a_422_naming_asOf_and_fits_nothing(string asOf)
    {
        var before = await Events();
        var modelBefore = await ModelInForce();

        var problem = await app.Host.PostRaw("/api/models/refit", $$"""{"asOf":"{{asOf}}"}""", 422);

        problem.ErrorKeys().ShouldBe(["asOf"]);
        problem["detail"]!.GetValue<string>().ShouldContain("no purchase had occurred by");
        // Where to fit from instead: the first purchase recorded.
        problem["detail"]!.GetValue<string>().ShouldContain(StrictBodiesHost.FirstPurchase.ToString("O"));
        (await Events()).ShouldBe(before);
        (await ModelInForce()).ShouldBe(modelBefore);
    }

    /// <summary>When the model in force was fitted, or why there is none: a problem's traceId differs from one answer to the next.</summary>
    private async Task<string> ModelInForce()
    {
        var answer = await app.Host.Scenario(s => { s.Get.Url("/api/models/current"); s.IgnoreStatusCode(); });
        var body = JsonNode.Parse(await answer.ReadAsTextAsync())!;
        return $"{answer.Context.Response.StatusCode} {body["fittedAt"] ?? body["detail"]}";
    }

    [Fact]
    public async Task a_refit_as_of_the_first_purchase_fits_it()
    {
        var before = await Events();

        var fitted = await app.Host.PostRaw("/api/models/refit", """{"asOf":"2024-03-10T12:00:00Z"}""", 201);

        // The one customer who had signed up and bought by then.
        fitted["customers"]!.GetValue<int>().ShouldBe(1);
        (await Events()).ShouldBe(before + 1);
    }

    [Theory]
    [InlineData("""{"formula":"simple-clv@0","extra":1}""", "extra")]
    [InlineData("""{"formula":5}""", "formula")]
    [InlineData("""{"name":"simple-clv","version":"0"}""", "version")]
    [InlineData("""{"name":"simple-clv","version":0.5}""", "version")]
    [InlineData("""{"name":"retention-ltv","version":-1}""", "version")]
    [InlineData("""{"formula":"simple-clv@0","name":"waland-cole"}""", "formula")]
    [InlineData("""{"formula":"simple-clv@0" """, "body")]
    public async Task a_default_formula_body_that_does_not_read_is_a_400_naming_the_field_and_chooses_nothing(string body, string field)
    {
        var before = await Events();

        var problem = await app.Host.PostRaw("/api/formulas/default", body, 400);

        ShouldBeACleanProblem(problem, field);
        (await Events()).ShouldBe(before);
    }

    [Fact]
    public async Task a_default_formula_given_either_way_is_put_in_force()
    {
        (await app.Host.PostRaw("/api/formulas/default", """{"formula":"simple-clv@0"}""", 200))["name"]!.GetValue<string>().ShouldBe("simple-clv");
        (await app.Host.PostRaw("/api/formulas/default", """{"name":"waland-cole","version":0}""", 200))["name"]!.GetValue<string>().ShouldBe("waland-cole");
        (await app.Host.PostRaw("/api/formulas/default", """{"name":"retention-ltv"}""", 200))["name"]!.GetValue<string>().ShouldBe("retention-ltv");
    }

    [Theory]
    [InlineData("""{"name":"k","roles":["desk"],"role":"admin"}""", "role")]
    [InlineData("""{"name":7,"roles":["desk"]}""", "name")]
    [InlineData("""{"name":"k","roles":"desk"}""", "roles")]
    [InlineData("""{"name":"k","roles":[1]}""", "roles[0]")]
    [InlineData("""{"name":"k" """, "body")]
    public async Task a_key_body_that_does_not_read_is_a_400_naming_the_field_and_makes_no_key(string body, string field)
    {
        var before = await Keys();

        var problem = await app.Host.PostRaw("/api/keys", body, 400);

        ShouldBeACleanProblem(problem, field);
        (await Keys()).ShouldBe(before);
    }

    /// <summary>
    /// The refusals Wolverine writes before an endpoint runs (a query value of the wrong type, a
    /// body that does not bind to the anchor's record) have the API's shape too: until 2026-12-05
    /// they had no <c>errors</c> (the parameter in an extension of Wolverine's own, the field only in
    /// a detail naming .NET types) and, for a body, another <c>type</c> and title.
    /// </summary>
    [Theory]
    [InlineData("/api/customers?page=abc", "page")]
    [InlineData("/api/retention/pending?pageSize=1.5", "pageSize")]
    [InlineData("/api/events?spreadsheetSafe=yes", "spreadsheetSafe")]
    public async Task a_query_value_of_the_wrong_type_is_a_400_naming_the_parameter(string url, string parameter)
    {
        var problem = await app.Host.GetJson(url, 400);

        ShouldBeACleanProblem(problem, parameter);
        problem["title"]!.GetValue<string>().ShouldBe("The request is invalid");
    }

    [Theory]
    [InlineData("""{"databases":"default"}""", "databases")]
    [InlineData("""{"takenAt":"yesterday","databases":[]}""", "takenAt")]
    [InlineData("""{"databases":[{"database":"default","sequence":[1],"seals":1,"digest":"00"}]}""", "databases[0].sequence")]
    [InlineData("""{"databases":[""", "body")]
    [InlineData("null", "body")]
    public async Task an_anchor_that_does_not_bind_is_a_400_naming_the_field(string body, string field)
    {
        var mark = app.Captured.Mark();

        var problem = await app.Host.PostRaw("/api/audit/anchor/verify", body, 400);

        ShouldBeACleanProblem(problem, field);
        problem["title"]!.GetValue<string>().ShouldBe("The request is invalid");
        // The caller's mistake, answered: not an error of the service's, with a stack trace, in its log.
        app.Captured.Since(mark).Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).ShouldBeEmpty();
    }

    /// <summary>
    /// The anchor's body is read as strictly as every other JSON body: until 2026-12-07 it was bound
    /// leniently, a number sent as a string taken ("5" for 5), a field name in another case taken
    /// (DATABASES), a field it does not have dropped, and a moment that did not read told only that
    /// it was "not of the kind this field takes". Each of these bodies is otherwise a valid anchor of
    /// the one database "default" (DIGEST stands for 64 hexadecimal digits): leniently read, it was
    /// verified (200, valid false).
    /// </summary>
    [Theory]
    [InlineData("""{"databases":[{"database":"default","sequence":"5","seals":5,"digest":"DIGEST"}]}""", "databases[0].sequence", "must be a whole number (not a string)")]
    [InlineData("""{"databases":[{"database":"default","sequence":5,"seals":5,"digest":"DIGEST","sequnce":5}]}""", "databases[0].sequnce", "is not a field of an item of databases; its fields are database, sequence, seals, digest (names are case-sensitive)")]
    [InlineData("""{"DATABASES":[{"database":"default","sequence":5,"seals":5,"digest":"DIGEST"}]}""", "DATABASES", "is not a field of this request; its fields are takenAt, databases (names are case-sensitive)")]
    [InlineData("""{"databases":[{"database":"default","sequence":5,"seals":5,"digest":"DIGEST"}],"signature":"x"}""", "signature", "is not a field of this request; its fields are takenAt, databases (names are case-sensitive)")]
    [InlineData("""{"takenAt":"yesterday","databases":[{"database":"default","sequence":5,"seals":5,"digest":"DIGEST"}]}""", "takenAt", "must be yyyy-MM-dd (the end of that day, UTC) or an ISO 8601 date and time")]
    public async Task an_anchor_is_read_as_strictly_as_every_other_body(string body, string field, string message)
    {
        var problem = await app.Host.PostRaw("/api/audit/anchor/verify", body.Replace("DIGEST", new string('a', 64)), 400);

        ShouldBeACleanProblem(problem, field);
        problem["errors"]![field]![0]!.GetValue<string>().ShouldStartWith(message);
    }

    /// <summary>
    /// As every other JSON body, the anchor's is read as JSON whatever its Content-Type (curl -d sends
    /// a form's), and its answer is JSON whatever the Accept header: until 2026-12-07 Wolverine refused
    /// a form's or text's Content-Type with a bare 415 and an Accept without JSON (text/csv) with a 406.
    /// </summary>
    [Theory]
    [InlineData("application/x-www-form-urlencoded", "*/*")]
    [InlineData("text/plain", "text/csv")]
    [InlineData("application/json", "text/html")]
    public async Task a_valid_anchor_is_verified_whatever_its_content_type_or_the_accept_header(string contentType, string accept)
    {
        var anchor = (await app.Host.GetJson("/api/audit/anchor")).ToJsonString();

        var result = await app.Host.Scenario(s =>
        {
            s.Post.Text(anchor).ToUrl("/api/audit/anchor/verify");
            s.WithRequestHeader("Content-Type", contentType);
            s.WithRequestHeader("Accept", accept);
            s.StatusCodeShouldBe(200);
        });

        JsonNode.Parse(await result.ReadAsTextAsync())!["valid"]!.GetValue<bool>().ShouldBeTrue();
    }

    /// <summary>
    /// Requests that each meet another writer of problems: the status code pages (405, 404), Wolverine's
    /// 400 for a query value reshaped by FrameworkProblems, an endpoint's Results.Problem (404, 400),
    /// the authentication handler (401) and a body read field by field, sent as text.
    /// </summary>
    public static TheoryData<string, string, string, string?, string?, int, string, string?> ErrorsWhateverTheAccept()
    {
        var data = new TheoryData<string, string, string, string?, string?, int, string, string?>();
        foreach (var accept in new[] { "text/csv", "text/html", "application/xml" })
        {
            // The RFC 9110 sections: 15.5.1 is 400, 15.5.2 401, 15.5.5 404, 15.5.6 405.
            data.Add(accept, "PUT", "/api/customers/hand-x", "{}", null, 405, "https://tools.ietf.org/html/rfc9110#section-15.5.6", null);
            data.Add(accept, "GET", "/api/nope", null, null, 404, "https://tools.ietf.org/html/rfc9110#section-15.5.5", null);
            data.Add(accept, "GET", "/api/customers/nobody", null, null, 404, "https://tools.ietf.org/html/rfc9110#section-15.5.5", null);
            data.Add(accept, "GET", "/api/events?customerId=ext-0&spreadsheetSafe=yes", null, null, 400, "https://tools.ietf.org/html/rfc9110#section-15.5.1", "spreadsheetSafe");
            data.Add(accept, "GET", "/api/customers?page=abc", null, null, 400, "https://tools.ietf.org/html/rfc9110#section-15.5.1", "page");
            data.Add(accept, "GET", "/api/events?types=bogus", null, null, 400, "https://tools.ietf.org/html/rfc9110#section-15.5.1", "types");
            data.Add(accept, "POST", "/api/audit/anchor/verify", """{"databases":[{"database":"default","sequence":"x","seals":0,"digest":"00"}]}""", null, 400,
                "https://tools.ietf.org/html/rfc9110#section-15.5.1", "databases[0].sequence");
            data.Add(accept, "GET", "/api/customers", null, "ecrm_not-a-real-key", 401, "https://tools.ietf.org/html/rfc9110#section-15.5.2", null);
        }
        return data;
    }

    /// <summary>
    /// An error is the same problem document whatever the Accept header (docs/api.md): until 2026-12-07
    /// ASP.NET Core's problem writer wrote only for an Accept that admits JSON, so with text/csv (which the
    /// export invites), text/html or application/xml the status code pages answered text/plain
    /// ("Status Code: 405; Method Not Allowed"), Wolverine's 400 went out raw (no errors) and every
    /// other problem came without its traceId.
    /// </summary>
    [Theory]
    [MemberData(nameof(ErrorsWhateverTheAccept))]
    public async Task an_error_is_the_same_problem_document_whatever_the_accept_header(string accept, string method, string url, string? body, string? key,
        int status, string type, string? field)
    {
        var result = await app.Host.Scenario(s =>
        {
            if (body is null) s.Get.Url(url);
            else if (method == "PUT") s.Put.Text(body).ToUrl(url);
            else s.Post.Text(body).ToUrl(url);
            // A form's Content-Type, as curl -d sends it: a JSON body is read as JSON all the same.
            if (body is not null) s.WithRequestHeader("Content-Type", "application/x-www-form-urlencoded");
            if (key is not null) s.WithRequestHeader(AppFixture.ApiKeyHeader, key);
            s.WithRequestHeader("Accept", accept);
            s.StatusCodeShouldBe(status);
        });

        result.Context.Response.ContentType.ShouldBe("application/problem+json");
        var problem = JsonNode.Parse(await result.ReadAsTextAsync())!;
        problem["status"]!.GetValue<int>().ShouldBe(status);
        problem["type"]!.GetValue<string>().ShouldBe(type);
        problem["title"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        problem["detail"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        problem["traceId"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        if (field is null) problem["errors"].ShouldBeNull();
        else ShouldBeACleanProblem(problem, field);
    }

    /// <summary>The status code pages (no such route, a method the route does not take) carry a detail, as every problem of the API does.</summary>
    [Fact]
    public async Task an_unknown_route_or_method_is_a_problem_with_a_detail()
    {
        var noRoute = await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/no-such-route");
            s.StatusCodeShouldBe(404);
        });
        var wrongMethod = await app.Host.Scenario(s =>
        {
            s.Put.Text("{}").ToUrl("/api/touchpoints");
            s.StatusCodeShouldBe(405);
        });

        JsonNode.Parse(await noRoute.ReadAsTextAsync())!["detail"]!.GetValue<string>().ShouldContain("/api/no-such-route");
        JsonNode.Parse(await wrongMethod.ReadAsTextAsync())!["detail"]!.GetValue<string>().ShouldContain("it takes POST");
    }
}
