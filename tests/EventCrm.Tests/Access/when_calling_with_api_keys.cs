using System.Text.Json.Nodes;
using EventCrm.Host.Access;
using EventCrm.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Access;

public class when_calling_with_api_keys(AppFixture app)
{
    private async Task<string> KeyWith(params string[] roles) =>
        (await app.Host.PostJson("/api/keys", new { name = $"test {string.Join("+", roles)}", roles }, 201))["key"]!.GetValue<string>();

    private async Task<int> Status(string method, string url, string? key, object? body = null)
    {
        var result = await app.Host.Scenario(s =>
        {
            if (method == "GET") s.Get.Url(url);
            else if (method == "HEAD") s.Head.Url(url);
            else if (method == "DELETE") s.Delete.Url(url);
            else if (method == "PUT") s.Put.Json(body ?? new { }).ToUrl(url);
            else s.Post.Json(body ?? new { }).ToUrl(url);
            s.WithRequestHeader(AppFixture.ApiKeyHeader, key ?? "");
            s.IgnoreStatusCode();
        });
        return result.Context.Response.StatusCode;
    }

    [Fact]
    public async Task any_key_reads_who_it_is_and_what_it_may_use()
    {
        var desk = await KeyWith(Roles.Desk);

        var me = (await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/keys/me");
            s.WithRequestHeader(AppFixture.ApiKeyHeader, desk);
        })).ReadAsJson<JsonNode>()!;

        me["name"]!.GetValue<string>().ShouldBe("test desk");
        me["roles"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["desk"]);
        // The policy table: the desk reads customers and appends its outcomes, nothing else.
        me["groups"]!.AsArray().Select(g => g!.GetValue<string>()).ShouldBe(["append", "read"]);
        var admin = await app.Host.GetJson("/api/keys/me");
        admin["groups"]!.AsArray().Count.ShouldBe(Policies.RolesFor.Count);
        (await Status("GET", "/api/keys/me", null)).ShouldBe(401);
    }

    [Fact]
    public async Task a_flood_of_random_keys_does_not_grow_the_key_cache_without_end_and_real_keys_still_work()
    {
        var keys = app.Host.Services.GetRequiredService<ApiKeyStore>();
        var real = await KeyWith(Roles.Desk);

        // Shaped as created keys: anything else is refused before the cache (when_guessing_api_keys).
        for (var i = 0; i < ApiKeyStore.MaxCached + 500; i++)
            (await keys.FindAsync("ecrm_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(22))[..43], CancellationToken.None)).ShouldBeNull();

        keys.CachedKeys.ShouldBeLessThanOrEqualTo(ApiKeyStore.MaxCached);
        (await Status("GET", "/api/customers?search=a", real)).ShouldBe(200);
    }

    [Fact]
    public async Task a_missing_or_unknown_key_is_401_with_a_problem()
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/customers?search=a");
            s.WithRequestHeader(AppFixture.ApiKeyHeader, "");
            s.StatusCodeShouldBe(401);
        });
        JsonNode.Parse(await result.ReadAsTextAsync())!["detail"]!.GetValue<string>().ShouldContain("X-Api-Key");
        (await Status("GET", "/api/customers?search=a", "ecrm_not-a-real-key")).ShouldBe(401);
        (await Status("POST", "/api/touchpoints", null, SignUp(Ids.Customer(), Jan1))).ShouldBe(401);
    }

    [Fact]
    public async Task a_401_says_in_www_authenticate_which_header_takes_the_key_and_a_403_does_not()
    {
        var desk = await KeyWith(Roles.Desk);
        async Task<string?> Challenge(string method, string url, string? key, int status)
        {
            var result = await app.Host.Scenario(s =>
            {
                if (method == "HEAD") s.Head.Url(url);
                else if (method == "POST") s.Post.Json(SignUp(Ids.Customer(), Jan1)).ToUrl(url);
                else s.Get.Url(url);
                s.WithRequestHeader(AppFixture.ApiKeyHeader, key ?? "");
                s.StatusCodeShouldBe(status);
            });
            return result.Context.Response.Headers.WWWAuthenticate.SingleOrDefault();
        }

        // RFC 9110 §15.5.2: a 401 carries a challenge; docs/api.md, "Access", gives this one.
        const string challenge = "ApiKey header=\"X-Api-Key\"";
        (await Challenge("GET", "/api/customers?search=a", null, 401)).ShouldBe(challenge);
        (await Challenge("GET", "/api/customers?search=a", "ecrm_not-a-real-key", 401)).ShouldBe(challenge);
        (await Challenge("HEAD", "/api/keys/me", null, 401)).ShouldBe(challenge);
        (await Challenge("POST", "/api/touchpoints", null, 401)).ShouldBe(challenge);
        // A key that is known but may not do this: no challenge, another key would not be asked for the same way.
        (await Challenge("GET", "/api/replays", desk, 403)).ShouldBeNull();
    }

    /// <summary>The problem a GET answers, or a POST of <paramref name="body"/> when one is given.</summary>
    private async Task<JsonNode> Problem(string url, string key, int status, object? body = null)
    {
        var result = await app.Host.Scenario(s =>
        {
            if (body is null) s.Get.Url(url);
            else s.Post.Json(body).ToUrl(url);
            s.WithRequestHeader(AppFixture.ApiKeyHeader, key);
            s.StatusCodeShouldBe(status);
        });
        result.Context.Response.ContentType.ShouldBe("application/problem+json");
        return JsonNode.Parse(await result.ReadAsTextAsync())!;
    }

    [Fact]
    public async Task a_401_and_a_403_are_problems_of_the_same_kind_as_every_other_answer_of_the_api()
    {
        var notFound = await Problem($"/api/customers/{Ids.Customer()}", await KeyWith(Roles.Desk), 404);
        var unauthorized = await Problem("/api/customers?search=a", "ecrm_not-a-real-key", 401);
        var forbidden = await Problem("/api/replays", await KeyWith(Roles.Desk), 403);

        // The RFC 9110 sections of 404, 401 and 403, as ASP.NET Core names them.
        notFound["type"]!.GetValue<string>().ShouldBe("https://tools.ietf.org/html/rfc9110#section-15.5.5");
        unauthorized["type"]!.GetValue<string>().ShouldBe("https://tools.ietf.org/html/rfc9110#section-15.5.2");
        forbidden["type"]!.GetValue<string>().ShouldBe("https://tools.ietf.org/html/rfc9110#section-15.5.4");
        foreach (var problem in new[] { notFound, unauthorized, forbidden }) problem["traceId"].ShouldNotBeNull();
        unauthorized["status"]!.GetValue<int>().ShouldBe(401);
        forbidden["detail"]!.GetValue<string>().ShouldContain("roles do not allow");
    }

    [Fact]
    public async Task every_route_of_every_group_refuses_a_missing_and_an_unknown_key()
    {
        var routes = app.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(method => (method, e.RoutePattern)))
            .ToList();
        routes.Count.ShouldBeGreaterThan(30);

        var open = new List<string>();
        foreach (var (method, pattern) in routes)
        {
            var url = "/" + string.Join("/", pattern.PathSegments.Select(segment =>
                string.Concat(segment.Parts.Select(part => part is RoutePatternLiteralPart literal ? literal.Content : "v1"))));
            var (missing, unknown) = (await Status(method, url, null), await Status(method, url, "ecrm_not-a-real-key"));
            if (missing != 401 || unknown != 401) open.Add($"{method} {pattern.RawText}: {missing}/{unknown}");
        }

        open.ShouldBe(["GET /health: 200/200", "HEAD /health: 200/200", "GET /openapi/{documentName}.json: 200/200", "HEAD /openapi/{documentName}.json: 200/200"],
            ignoreOrder: true);
    }

    [Fact]
    public async Task health_and_the_openapi_document_need_no_key()
    {
        (await Status("GET", "/health", null)).ShouldBe(200);
        (await Status("GET", "/openapi/v1.json", null)).ShouldBe(200);
    }

    [Fact]
    public async Task the_pages_may_run_only_the_service_s_own_scripts_and_no_site_may_frame_them()
    {
        var page = await app.Host.Scenario(s => s.Get.Url("/"));

        var headers = page.Context.Response.Headers;
        headers.ContentSecurityPolicy.ToString().ShouldContain("default-src 'self'");
        headers.ContentSecurityPolicy.ToString().ShouldContain("frame-ancestors 'none'");
        headers.XContentTypeOptions.ToString().ShouldBe("nosniff");
        headers["Referrer-Policy"].ToString().ShouldBe("no-referrer");
    }

    /// <summary>A shared proxy or the desk computer's disk must not keep names and emails after the answer.</summary>
    [Fact]
    public async Task answers_holding_personal_data_are_kept_by_no_cache()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));

        foreach (var url in new[] { $"/api/customers/{customer}", $"/api/customers/{customer}/timeline", $"/api/customers?search={customer}", "/api/keys" })
        {
            var answer = await app.Host.Scenario(s => s.Get.Url(url));
            answer.Context.Response.Headers.CacheControl.ToString().ShouldBe("no-store", url);
        }
        var refused = await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/customers/{customer}");
            s.WithRequestHeader(AppFixture.ApiKeyHeader, "");
            s.StatusCodeShouldBe(401);
        });
        refused.Context.Response.Headers.CacheControl.ToString().ShouldBe("no-store");
    }

    [Fact]
    public async Task only_ingest_appends_touchpoints_and_nothing_is_appended_otherwise()
    {
        var customer = Ids.Customer();
        foreach (var role in new[] { "desk", "auditor", "data" })
            (await Status("POST", "/api/touchpoints", await KeyWith(role), SignUp(customer, Jan1))).ShouldBe(403, role);
        (await app.Store.EventCount(customer)).ShouldBe(0);

        (await Status("POST", "/api/touchpoints", await KeyWith("ingest"), SignUp(customer, Jan1))).ShouldBe(201);
    }

    [Fact]
    public async Task a_desk_key_records_the_outcomes_of_a_request_to_cancel_but_never_the_request_itself()
    {
        // docs/retention.md, "The workflow", step 1: the request comes from an ingest key (an import, the client's systems),
        // never from the desk, whose key records only the outcomes (docs/api.md, "Access").
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));

        var refused = await Problem("/api/touchpoints", await KeyWith(Roles.Desk), 403, CancellationRequest(customer, Jan1.AddDays(1)));
        refused["detail"]!.GetValue<string>().ShouldBe("A desk key may only record retention outcomes; other touchpoints need the ingest role.");
        (await app.Store.EventCount(customer)).ShouldBe(1);   // the signup alone
    }

    [Fact]
    public async Task customers_are_read_by_desk_auditor_and_data_but_not_ingest()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));

        foreach (var role in new[] { "desk", "auditor", "data" })
        {
            var key = await KeyWith(role);
            (await Status("GET", $"/api/customers/{customer}/timeline", key)).ShouldBe(200, role);
            (await Status("GET", $"/api/customers/{customer}/value?formula=simple-clv@0", key)).ShouldBe(200, role);
            (await Status("GET", "/api/retention/pending?pageSize=1", key)).ShouldBe(200, role);
        }
        (await Status("GET", $"/api/customers/{customer}/timeline", await KeyWith("ingest"))).ShouldBe(403);
        (await Status("GET", "/api/retention/pending", await KeyWith("ingest"))).ShouldBe(403);
    }

    [Fact]
    public async Task formulas_are_registered_by_auditors_and_data_teams_and_put_in_force_by_admins_only()
    {
        var version = new { name = "simple-clv", parameters = new { lifetimeYears = 3m } };
        foreach (var role in new[] { "ingest", "desk" })
            (await Status("POST", "/api/formulas", await KeyWith(role), version)).ShouldBe(403, role);
        // Each role its own parameters: the same ones again would answer the version registered first (200).
        foreach (var (role, years) in new[] { ("auditor", 3.25m), ("data", 3.75m) })
            (await Status("POST", "/api/formulas", await KeyWith(role), new { name = "simple-clv", parameters = new { lifetimeYears = years } })).ShouldBe(201, role);
        foreach (var role in new[] { "ingest", "desk", "auditor", "data" })
            (await Status("POST", "/api/formulas/default", await KeyWith(role), new { formula = "simple-clv@0" })).ShouldBe(403, role);
        (await Status("GET", "/api/formulas", await KeyWith("auditor"))).ShouldBe(200);
    }

    [Fact]
    public async Task the_model_is_refitted_by_data_but_not_by_the_desk()
    {
        // A purchase to fit on: a refit on none is refused (422) whatever the key.
        var buyer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp(buyer, Jan1), Purchase(buyer, Jan1.AddDays(3)) });
        (await Status("POST", "/api/models/refit", await KeyWith("desk"))).ShouldBe(403);
        (await Status("POST", "/api/models/refit", await KeyWith("data"))).ShouldBe(201);
    }

    [Fact]
    public async Task keys_are_created_listed_and_revoked_by_admins_and_a_revoked_key_is_refused()
    {
        (await Status("POST", "/api/keys", await KeyWith("data"), new { name = "sneaky", roles = new[] { "admin" } })).ShouldBe(403);

        var created = await app.Host.PostJson("/api/keys", new { name = "temp desk", roles = new[] { "desk" } }, 201);
        var (id, key) = (created["id"]!.GetValue<string>(), created["key"]!.GetValue<string>());
        (await Status("GET", "/api/customers?search=x", key)).ShouldBe(200);

        var listed = (await app.Host.GetJson("/api/keys")).AsArray();
        listed.Single(k => k!["id"]!.GetValue<string>() == id)!["roles"]![0]!.GetValue<string>().ShouldBe("desk");
        listed.ToJsonString().ShouldNotContain(key);

        await app.Host.Scenario(s => { s.Delete.Url($"/api/keys/{id}"); s.StatusCodeShouldBe(200); });
        (await Status("GET", "/api/customers?search=x", key)).ShouldBe(401);
        var read = await app.Host.GetJson($"/api/keys/{id}");
        (read["name"]!.GetValue<string>(), read["revokedAt"] is not null).ShouldBe(("temp desk", true));
        read.ToJsonString().ShouldNotContain(key);
        await app.Host.GetJson("/api/keys/no-such-key", 404);
    }

    [Fact]
    public async Task a_key_needs_a_name_and_known_roles()
    {
        var name = $"refused {Guid.NewGuid():N}";

        (await app.Host.PostJson("/api/keys", new { name, roles = new[] { "superuser" } }, 400)).ErrorKeys().ShouldBe(["roles"]);
        (await app.Host.PostJson("/api/keys", new { name = "", roles = new[] { "desk" } }, 400)).ErrorKeys().ShouldBe(["name"]);
        (await app.Host.PostJson("/api/keys", new { name, roles = Array.Empty<string>() }, 400)).ErrorKeys().ShouldBe(["roles"]);

        (await app.Host.GetJson("/api/keys")).ToJsonString().ShouldNotContain(name);
    }

    [Fact]
    public async Task audits_are_for_auditors_replays_for_auditors_and_data_and_exports_and_rebuilds_for_data()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));
        var (desk, auditor, data, ingest) = (await KeyWith("desk"), await KeyWith("auditor"), await KeyWith("data"), await KeyWith("ingest"));

        (await Status("GET", $"/api/customers/{customer}/audit", auditor)).ShouldBe(200);
        (await Status("GET", $"/api/customers/{customer}/audit", desk)).ShouldBe(403);
        (await Status("GET", $"/api/customers/{customer}/audit", data)).ShouldBe(403);
        (await Status("GET", "/api/audit/anchor", auditor)).ShouldBe(200);
        (await Status("GET", "/api/audit/anchor", desk)).ShouldBe(403);
        (await Status("GET", "/api/audit/verify", data)).ShouldBe(403);
        (await Status("POST", "/api/audit/anchor/verify", data, new { databases = Array.Empty<object>() })).ShouldBe(403);

        (await Status("GET", "/api/replays/replay-none", auditor)).ShouldBe(404);
        (await Status("GET", "/api/replays/replay-none", data)).ShouldBe(404);
        (await Status("GET", "/api/replays/replay-none", desk)).ShouldBe(403);
        (await Status("POST", "/api/replays", ingest, new { formula = "simple-clv@0" })).ShouldBe(403);

        (await Status("GET", $"/api/events?customerId={customer}", data)).ShouldBe(200);
        (await Status("GET", $"/api/events?customerId={customer}", auditor)).ShouldBe(403);
        (await Status("GET", "/api/projections", data)).ShouldBe(200);
        (await Status("GET", "/api/projections", desk)).ShouldBe(403);
        (await Status("POST", "/api/imports", auditor)).ShouldBe(403);
        (await Status("POST", $"/api/customers/{customer}/erasure", data)).ShouldBe(403);
    }

    [Fact]
    public async Task a_bootstrap_admin_key_anyone_could_guess_stops_the_start()
    {
        // 15 characters, one short of the 16 the service asks for.
        var failure = await Should.ThrowAsync<Exception>(() => AppFixture.StartHost(AppFixture.Schema, ("Auth:AdminKey", "admin-key-12345")));

        failure.ToString().ShouldContain("Auth:AdminKey must be at least 16 characters; it has 15");
    }
}
