using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Replays;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Marten;
using Shouldly;

namespace EventCrm.Tests.Reliability;

/// <summary>A schema of its own: these scenarios count every event, key and replay in it, before and after each refusal.</summary>
public sealed class BodyRulesHost() : SchemaHost("eventcrm_body_rules");

/// <summary>
/// What a hostile client's walk-through found the service doing with bodies it should have refused
/// (2026-12-07, docs/api.md): a JSON null taken as "not given" and acted on, a body sent to a route
/// that takes none ignored (an erasure asked as a dry run erased), a Content-Encoding ignored, and
/// a number rounded to what a decimal keeps. Each is refused now, and nothing is recorded.
/// </summary>
public class when_a_body_is_not_what_the_route_takes(BodyRulesHost app) : IClassFixture<BodyRulesHost>
{
    private IAlbaHost Host => app.Host;

    /// <summary>Everything a refused request could have recorded: events (touchpoints, formulas, refits, erasures), keys and replays.</summary>
    private async Task<(long Events, int Keys, int Replays)> Recorded()
    {
        await using var session = app.Store.QuerySession();
        return (await session.Events.QueryAllRawEvents().LongCountAsync(),
            (await Host.GetJson("/api/keys")).AsArray().Count,
            await session.Query<ReplayRun>().CountAsync());
    }

    private static string Anchor(string database = "default", string sequence = "0") =>
        $$"""{"databases":[{"database":"{{database}}","sequence":{{sequence}},"seals":0,"digest":"{{new string('a', 64)}}"}]}""";

    /// <summary>
    /// Until 2026-12-07 each of these was acted on as if the null field had been left out: a version 1
    /// of retention-ltv registered (201), its latest version put in force (200), a model fitted as of now
    /// (201), a replay started (202), an anchor verified. No field of these bodies takes null (docs/value.md:
    /// "parameters that are not an object ... is a 400", version "a JSON whole number").
    /// </summary>
    [Theory]
    [InlineData("/api/formulas", """{"name":"retention-ltv","parameters":null}""", "parameters", "must be an object of numbers (not null); leave the field out")]
    [InlineData("/api/formulas", """{"name":null,"parameters":{}}""", "name", "must be a string (not null)")]
    [InlineData("/api/formulas/default", """{"name":"retention-ltv","version":null}""", "version", "must be a whole number (not null); leave the field out")]
    [InlineData("/api/formulas/default", """{"formula":null,"name":"retention-ltv"}""", "formula", "must be a string (not null); leave the field out")]
    [InlineData("/api/models/refit", """{"asOf":null}""", "asOf", "must be a date or a date and time, as a string (not null); leave the field out")]
    [InlineData("/api/replays", """{"formula":"retention-ltv@0","asOf":null}""", "asOf", "must be a string (not null); leave the field out")]
    [InlineData("/api/keys", """{"name":"k","roles":null}""", "roles", "must be an array of strings (not null)")]
    [InlineData("/api/keys", """{"name":null,"roles":["desk"]}""", "name", "must be a string (not null)")]
    [InlineData("/api/audit/anchor/verify", """{"databases":null}""", "databases", "must be an array of objects")]
    [InlineData("/api/audit/anchor/verify", """{"databases":[{"database":"default","sequence":null,"seals":0,"digest":"00"}]}""", "databases[0].sequence", "must be a whole number (not null)")]
    public async Task a_field_given_as_null_is_a_400_naming_it_and_nothing_is_recorded(string url, string body, string field, string message)
    {
        var before = await Recorded();

        var problem = await Host.PostRaw(url, body, 400);

        problem.ErrorKeys().ShouldBe([field]);
        var said = problem["errors"]![field]![0]!.GetValue<string>();
        said.ShouldStartWith(message);
        said.ShouldContain("(not null)");
        (await Recorded()).ShouldBe(before);
    }

    [Fact]
    public async Task an_anchors_time_given_as_null_is_refused_too_and_left_out_the_anchor_is_verified()
    {
        var anchor = JsonNode.Parse((await Host.GetJson("/api/audit/anchor")).ToJsonString())!.AsObject();
        anchor["takenAt"] = null;

        var problem = await Host.PostRaw("/api/audit/anchor/verify", anchor.ToJsonString(), 400);

        problem.ErrorKeys().ShouldBe(["takenAt"]);
        anchor.Remove("takenAt");
        (await Host.PostRaw("/api/audit/anchor/verify", anchor.ToJsonString(), 200))["valid"]!.GetValue<bool>().ShouldBeTrue();
    }

    /// <summary>
    /// Until 2026-12-07 an anchor naming a database this log does not have was a 422 whose detail alone
    /// said which; errors now names where the anchor names it, as a 400 names a malformed entry.
    /// </summary>
    [Fact]
    public async Task an_anchor_naming_an_unknown_database_is_a_422_naming_where()
    {
        var body = Anchor().Replace("]}", $$""",{"database":"db7","sequence":0,"seals":0,"digest":"{{new string('b', 64)}}"}]}""");

        var problem = await Host.PostRaw("/api/audit/anchor/verify", body, 422);

        problem.ErrorKeys().ShouldBe(["databases[1].database"]);
        problem["errors"]!["databases[1].database"]![0]!.GetValue<string>().ShouldStartWith("'db7' is not a database of this event log");
    }

    private async Task<JsonNode> Send(string method, string url, string? body, int status, params (string Name, string Value)[] headers)
    {
        var result = await Host.Scenario(s =>
        {
            if (method == "DELETE") s.Delete.Url(url);
            else s.Post.Url(url);
            if (body is not null)
                s.ConfigureHttpContext(http =>
                {
                    http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
                    http.Request.ContentType = "application/json";
                });
            foreach (var (name, value) in headers) s.WithRequestHeader(name, value);
            s.StatusCodeShouldBe(status);
        });
        return JsonNode.Parse(await result.ReadAsTextAsync())!;
    }

    /// <summary>
    /// Until 2026-12-07 a route that takes no body ignored one: a client asking for a dry run
    /// (<c>{"dryRun":true}</c>) got a full erasure, a revocation "with a reason" revoked all the same.
    /// </summary>
    [Theory]
    [InlineData("""{"dryRun":true}""")]
    [InlineData("""{"reason":"x"}""")]
    [InlineData("[]")]
    [InlineData("""{                                                                                }""")]   // longer than {} is read: refused unread
    public async Task an_erasure_sent_a_body_is_a_400_and_erases_nothing(string body)
    {
        var customer = Ids.Customer();
        await Host.PostTouchpoints(Touchpoint.Lead(customer, Touchpoint.Jan1, name: "Dora Dry-Run"));
        var before = await Recorded();

        var problem = await Send("POST", $"/api/customers/{customer}/erasure", body, 400);

        problem.ErrorKeys().ShouldBe(["body"]);
        problem["detail"]!.GetValue<string>().ShouldStartWith("POST /api/customers/{id}/erasure takes no body");
        (await Recorded()).ShouldBe(before);
        (await Host.GetJson($"/api/customers/{customer}"))["name"]!.GetValue<string>().ShouldBe("Dora Dry-Run");
    }

    [Fact]
    public async Task a_key_revoked_with_a_body_is_a_400_and_stays_valid_and_without_one_it_is_revoked()
    {
        var created = await Host.PostJson("/api/keys", new { name = "revoke-me", roles = new[] { "desk" } }, 201);
        var id = created["id"]!.GetValue<string>();

        await Send("DELETE", $"/api/keys/{id}", """{"reason":"x"}""", 400);
        (await Host.GetJson($"/api/keys/{id}"))["revokedAt"].ShouldBeNull();

        await Send("DELETE", $"/api/keys/{id}", null, 200);
        (await Host.GetJson($"/api/keys/{id}"))["revokedAt"].ShouldNotBeNull();
    }

    /// <summary>Every other route that takes no body: the body is refused before the route looks at what it names (an unknown replay, an unknown projection).</summary>
    [Theory]
    [InlineData("DELETE", "/api/replays/no-such-replay")]
    [InlineData("POST", "/api/projections/NoSuchThing/rebuild")]
    public async Task the_other_routes_that_take_no_body_refuse_one_before_anything(string method, string url)
    {
        var problem = await Send(method, url, """{"force":true}""", 400);

        problem.ErrorKeys().ShouldBe(["body"]);
        // Without the body the route answers as before: neither exists.
        await Send(method, url, null, 404);
        await Send(method, url, "{}", 404);
    }

    /// <summary>The routes documented as reading a body (docs/api.md): every other POST or DELETE must refuse one.</summary>
    private static readonly string[] RoutesReadingABody =
    [
        "POST /api/audit/anchor/verify", "POST /api/formulas", "POST /api/formulas/default", "POST /api/imports", "POST /api/keys",
        "POST /api/models/refit", "POST /api/replays", "POST /api/touchpoints",
    ];

    /// <summary>A route added later without a body cannot slip back into ignoring one: it must be marked, as these are.</summary>
    [Fact]
    public void every_post_or_delete_route_either_reads_its_body_or_is_marked_as_taking_none()
    {
        var routes = Host.Services.GetServices<EndpointDataSource>().SelectMany(source => source.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Where(m => m is "POST" or "DELETE")
                .Select(m => (Route: $"{m} {e.RoutePattern.RawText}", TakesNoBody: e.Metadata.GetMetadata<TakesNoBodyAttribute>() is not null)))
            .Distinct().ToList();

        routes.Where(r => !r.TakesNoBody).Select(r => r.Route).Order(StringComparer.Ordinal).ShouldBe(RoutesReadingABody);
        routes.Where(r => r.TakesNoBody).Select(r => r.Route).Order(StringComparer.Ordinal).ShouldBe(
            ["DELETE /api/keys/{id}", "DELETE /api/replays/{id}", "POST /api/customers/{id}/erasure", "POST /api/projections/{name}/rebuild"]);
    }

    private static byte[] Gzipped(string text)
    {
        using var zipped = new MemoryStream();
        using (var gzip = new GZipStream(zipped, CompressionLevel.Fastest)) gzip.Write(Encoding.UTF8.GetBytes(text));
        return zipped.ToArray();
    }

    private async Task<JsonNode> PostEncoded(string url, byte[] body, string contentType, string encoding, int status)
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Url(url);
            s.ConfigureHttpContext(http =>
            {
                http.Request.Body = new MemoryStream(body);
                http.Request.ContentLength = body.Length;
                http.Request.ContentType = contentType;
            });
            s.WithRequestHeader("Content-Encoding", encoding);
            s.StatusCodeShouldBe(status);
        });
        if (status == 415) result.Context.Response.Headers.AcceptEncoding.ToString().ShouldBe("identity");
        return JsonNode.Parse(await result.ReadAsTextAsync())!;
    }

    /// <summary>
    /// Until 2026-12-07 Content-Encoding was ignored: a plain body labelled gzip was appended (or imported), and
    /// a really gzipped one refused as JSON that does not parse ("'0x1F' is an invalid start of a value") or a
    /// file that is "not UTF-8 ... save the file as UTF-8". It is a 415 (RFC 9110 §15.5.16) naming the coding.
    /// </summary>
    [Theory]
    [InlineData("/api/touchpoints", "application/json", "gzip", false)]
    [InlineData("/api/touchpoints", "application/json", "gzip", true)]
    [InlineData("/api/touchpoints", "application/json", "identity, br", false)]
    [InlineData("/api/imports", "text/csv", "gzip", false)]
    [InlineData("/api/imports", "text/csv", "GZIP", true)]
    public async Task a_body_sent_with_a_content_coding_is_a_415_naming_it_and_nothing_is_appended(string url, string contentType, string encoding, bool zipped)
    {
        var customer = Ids.Customer();
        var text = url == "/api/imports"
            ? new HistoryFile().SignUp(customer, "2023-05-01T10:00:00Z").ToString()
            : JsonSerializer.Serialize(Touchpoint.Lead(customer, Touchpoint.Jan1));
        var before = await Recorded();

        var problem = await PostEncoded(url, zipped ? Gzipped(text) : Encoding.UTF8.GetBytes(text), contentType, encoding, 415);

        problem["detail"]!.GetValue<string>().ShouldStartWith($"Content-Encoding '{encoding.Split(',')[^1].Trim()}' is not supported: send the body uncompressed");
        problem["type"]!.GetValue<string>().ShouldBe("https://tools.ietf.org/html/rfc9110#section-15.5.16");
        (await Recorded()).ShouldBe(before);
        (await app.Store.EventCount(customer)).ShouldBe(0);
    }

    [Fact]
    public async Task a_body_sent_with_the_identity_coding_is_read_as_any_other()
    {
        var customer = Ids.Customer();
        var text = JsonSerializer.Serialize(Touchpoint.Lead(customer, Touchpoint.Jan1));

        await PostEncoded("/api/touchpoints", Encoding.UTF8.GetBytes(text), "application/json", "identity", 201);

        (await app.Store.EventCount(customer)).ShouldBe(1);
    }

    /// <summary>
    /// A decimal keeps 28 significant digits, down to the 28th decimal place: until 2026-12-07 an amount of 1e-29 was
    /// stored as 0, and 999999999999.99999999999999999999 (12 + 20 = 32 significant digits) as exactly 1,000,000,000,000,
    /// in a body and in an import file alike. 1e-28 (the 28th place) and 999999999999.9999999999999999 (12 + 16 = 28
    /// digits) are kept as written.
    /// </summary>
    [Theory]
    [InlineData("1e-29", false)]
    [InlineData("0.00000000000000000000000000001", false)]
    [InlineData("999999999999.99999999999999999999", false)]
    [InlineData("12.000000000000000000000000000000001", false)]
    [InlineData("1e-28", true)]
    [InlineData("999999999999.9999999999999999", true)]
    [InlineData("12.50000000000000000000000000000000000", true)]   // trailing zeros change nothing: it is 12.5
    public async Task an_amount_a_decimal_would_round_is_a_400_naming_it_in_a_body_and_in_a_file(string amount, bool kept)
    {
        var customer = Ids.Customer();
        await Host.PostTouchpoints(Touchpoint.SignUp(customer, Touchpoint.Jan1));
        var purchase = Touchpoint.Purchase(customer, Touchpoint.Jan1.AddDays(1), margin: 0m);
        var json = JsonSerializer.Serialize(purchase)
            .Replace("\"amount\":100", $"\"amount\":{amount}");
        json.ShouldContain(amount);
        var file = new HistoryFile().Purchase(customer, "2025-01-03T09:00:00Z", amount: amount, margin: "0").ToString();

        if (kept)
        {
            await Host.PostRaw(json, 201);
            await Host.PostImport(file, 201);
            (await app.Store.EventCount(customer)).ShouldBe(3);
            return;
        }
        var before = await Recorded();

        var refused = await Host.PostRaw(json, 400);
        refused["errors"]!["amount"]![0]!.GetValue<string>().ShouldStartWith("has more digits than can be kept exactly");
        var refusedFile = await Host.PostImport(file, 400);
        refusedFile["errors"]!["line 2"]!.AsArray().Select(m => m!.GetValue<string>()).ShouldContain(m => m.StartsWith("amount: has more digits than can be kept exactly"));

        (await Recorded()).ShouldBe(before);
    }
}
