using System.Text;
using EventCrm.Host.Infrastructure;
using EventCrm.Tests.Reliability.Support;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Reliability;

/// <summary>
/// Issue #6, limits that only a real server enforces (the in-process test server does not): the
/// 4 MB body limit, whether the length is declared or the body is chunked, the request line and
/// header limits, and request lines Kestrel refuses before the application sees them. Then a sample of the fuzzer's requests
/// over real HTTP.
/// </summary>
public class when_a_real_server_meets_hostile_requests(KestrelHost kestrel, ITestOutputHelper output) : IClassFixture<KestrelHost>
{
    private const int OverLimit = 5 * 1024 * 1024;
    private static readonly Dictionary<string, string> AdminJson = new() { [AppFixture.ApiKeyHeader] = AppFixture.AdminKey, ["Content-Type"] = "application/json" };
    private static readonly Dictionary<string, string> Admin = new() { [AppFixture.ApiKeyHeader] = AppFixture.AdminKey };

    /// <summary>A JSON object whose one string is as long as it takes to reach the size, so that every reader reads it all.</summary>
    private static MemoryStream JsonOf(int bytes)
    {
        var head = "{\"name\":\"";
        return new MemoryStream(Encoding.UTF8.GetBytes(head + new string('x', bytes - head.Length - 2) + "\"}"));
    }

    [Theory]
    [InlineData("/api/touchpoints", false)]
    [InlineData("/api/touchpoints", true)]
    [InlineData("/api/keys", false)]
    [InlineData("/api/formulas", true)]
    public async Task a_body_over_4_mb_is_refused_with_a_413_problem(string route, bool chunked)
    {
        var before = await StoreCounts.Read(KestrelHost.ConnectionString, KestrelHost.Schema);

        var answer = await RawHttp.Send(kestrel.Host.Port, "POST", route, AdminJson, JsonOf(OverLimit), chunked);

        answer.Status.ShouldBe(413, answer.Body);
        ProblemAnswers.NotAProblem(413, answer.MediaType, answer.Body).ShouldBeNull();
        (await StoreCounts.Read(KestrelHost.ConnectionString, KestrelHost.Schema)).ShouldBe(before);
    }

    /// <summary>
    /// The exception handler writes this answer in place of the endpoint's, clearing the headers set
    /// before: the security headers must be on it all the same (a problem document is never sniffed
    /// as a page, never framed, never cached).
    /// </summary>
    [Fact]
    public async Task a_refusal_written_by_the_exception_handler_keeps_the_security_headers()
    {
        var answer = await RawHttp.Send(kestrel.Host.Port, "POST", "/api/touchpoints", AdminJson, JsonOf(OverLimit));

        answer.Status.ShouldBe(413, answer.Body);
        answer.Headers.ShouldContainKeyAndValue("x-content-type-options", "nosniff");
        answer.Headers["content-security-policy"].ShouldContain("frame-ancestors 'none'");
        answer.Headers.ShouldContainKeyAndValue("referrer-policy", "no-referrer");
        answer.Headers.ShouldContainKeyAndValue("cache-control", "no-store");
    }

    /// <summary>Only Kestrel leaves a HEAD's body out: the in-process server sends what the route wrote.</summary>
    [Fact]
    public async Task head_answers_with_the_headers_of_its_get_and_no_body()
    {
        using var client = new HttpClient { BaseAddress = kestrel.Host.BaseAddress };
        using var get = await client.GetAsync("/health");

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/health"));

        head.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        head.Content.Headers.ContentType.ShouldBe(get.Content.Headers.ContentType);
        (await head.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
        (await get.Content.ReadAsByteArrayAsync()).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task a_body_under_the_limit_is_read_and_judged_and_imports_may_be_larger()
    {
        var underLimit = await RawHttp.Send(kestrel.Host.Port, "POST", "/api/touchpoints", AdminJson, JsonOf(4 * 1024 * 1024 - 64 * 1024));
        var bigImport = await RawHttp.Send(kestrel.Host.Port, "POST", "/api/imports",
            new Dictionary<string, string> { [AppFixture.ApiKeyHeader] = AppFixture.AdminKey, ["Content-Type"] = "text/csv" },
            new MemoryStream(Encoding.UTF8.GetBytes("type,touchpointId,customerId,occurredAt,nonsense\n" + new string('x', OverLimit))));

        underLimit.Status.ShouldBe(400, underLimit.Body);
        ProblemAnswers.NotAProblem(400, underLimit.MediaType, underLimit.Body).ShouldBeNull();
        bigImport.Status.ShouldBe(400, bigImport.Body);
        ProblemAnswers.NotAProblem(400, bigImport.MediaType, bigImport.Body).ShouldBeNull();
    }

    [Theory]
    [InlineData("/api/keys/%00")]
    [InlineData("/api/customers/a%00b/timeline")]
    [InlineData("/api/customers/%C0%AF/timeline")]
    [InlineData("/api/../../etc/passwd")]
    public async Task request_targets_kestrel_refuses_or_routes_nowhere_get_a_4xx_and_the_server_carries_on(string target)
    {
        var answer = await RawHttp.Send(kestrel.Host.Port, "GET", target, new Dictionary<string, string> { [AppFixture.ApiKeyHeader] = AppFixture.AdminKey }, null);

        answer.Status.ShouldBeInRange(400, 499, answer.Body);
        using var http = kestrel.Client(TimeSpan.FromSeconds(10));
        (await http.GetAsync("/health")).IsSuccessStatusCode.ShouldBeTrue();
    }

    /// <summary>
    /// "GET " (4) + "/api/customers?search=" (22) + 8,200 letters + " HTTP/1.1\r\n" (11) = 8,237 bytes, the
    /// query string "?search=" and the letters 8,208 of them. Until 2026-12-06 Kestrel refused it with a bare 414.
    /// </summary>
    [Fact]
    public async Task a_request_line_over_8_kb_is_refused_with_a_414_problem_saying_how_long_it_is()
    {
        var answer = await RawHttp.Send(kestrel.Host.Port, "GET", "/api/customers?search=" + new string('a', 8_200), Admin, null);

        answer.Status.ShouldBe(414, answer.Body);
        ProblemAnswers.NotAProblem(414, answer.MediaType, answer.Body).ShouldBeNull();
        answer.Body.ShouldContain("The request line is 8,237 bytes, over the 8,192 this service takes; its query string holds 8,208 of them.");
    }

    /// <summary>8,100 letters make a line of 8,137 bytes: the route reads it and judges the search itself.</summary>
    [Fact]
    public async Task a_request_line_just_under_8_kb_reaches_its_route()
    {
        var answer = await RawHttp.Send(kestrel.Host.Port, "GET", "/api/customers?search=" + new string('a', 8_100), Admin, null);

        answer.Status.ShouldNotBe(414, answer.Body);
        answer.Status.ShouldBeLessThan(500, answer.Body);
    }

    /// <summary>"X-Padding" (9) + ": " + 33,000 bytes + CRLF = 33,013 bytes, over 32,768 on its own.</summary>
    [Fact]
    public async Task headers_over_32_kb_are_refused_with_a_431_problem_naming_the_largest()
    {
        var answer = await RawHttp.Send(kestrel.Host.Port, "GET", "/api/customers",
            new Dictionary<string, string>(Admin) { ["X-Padding"] = new string('p', 33_000) }, null);

        answer.Status.ShouldBe(431, answer.Body);
        // RFC 6585 defines 431, as it does 429 (until 2026-12-07 the 431 had no type).
        ProblemAnswers.NotTheProblem(431, "https://tools.ietf.org/html/rfc6585#section-5", answer.MediaType, answer.Body).ShouldBeNull();
        answer.Body.ShouldContain("over the 32,768 this service takes; the largest is X-Padding (33,013 bytes).");
    }

    /// <summary>
    /// The refusals written before any route runs (the body limit's 413, from the exception handler;
    /// the request line and header limits' 414 and 431; a 405 from the status code pages) are the
    /// same problem documents whatever the Accept header, with their traceId: until 2026-12-07 a
    /// client asking for CSV, a page or XML got the 405 as text/plain and the others without traceId;
    /// and the anchor's 413, read by Wolverine, had another type and title
    /// ("https://httpstatuses.com/413", "Request body could not be read") whatever the Accept.
    /// </summary>
    [Theory]
    [InlineData("POST", "/api/audit/anchor/verify", "*/*", 0, 413, "https://tools.ietf.org/html/rfc9110#section-15.5.14")]
    [InlineData("POST", "/api/audit/anchor/verify", "text/csv", 0, 413, "https://tools.ietf.org/html/rfc9110#section-15.5.14")]
    [InlineData("POST", "/api/touchpoints", "text/html", 0, 413, "https://tools.ietf.org/html/rfc9110#section-15.5.14")]
    [InlineData("GET", "/api/customers?search=LONG", "application/xml", 0, 414, "https://tools.ietf.org/html/rfc9110#section-15.5.15")]
    [InlineData("GET", "/api/customers", "text/csv", 33_000, 431, "https://tools.ietf.org/html/rfc6585#section-5")]
    [InlineData("PUT", "/api/customers/hand-x", "text/html", 0, 405, "https://tools.ietf.org/html/rfc9110#section-15.5.6")]
    public async Task a_refusal_before_any_route_is_the_same_problem_whatever_the_accept_header(string method, string target, string accept, int padding, int status,
        string type)
    {
        var headers = new Dictionary<string, string>(AdminJson) { ["Accept"] = accept };
        // LONG: a request line of 8,237 bytes; a padding of 33,000 bytes: a header of 33,013 (both as above).
        if (padding > 0) headers["X-Padding"] = new string('p', padding);
        target = target.Replace("LONG", new string('a', 8_200));

        var answer = await RawHttp.Send(kestrel.Host.Port, method, target, headers, method == "GET" ? null : status == 413 ? JsonOf(OverLimit) : JsonOf(64));

        answer.Status.ShouldBe(status, answer.Body);
        ProblemAnswers.NotTheProblem(status, type, answer.MediaType, answer.Body).ShouldBeNull();
        if (status == 413) answer.Body.ShouldContain("\"title\":\"The request body is too large\"");
    }

    /// <summary>Past Kestrel's own limit, 64 KB, Kestrel refuses the line before any middleware: the documented bare status.</summary>
    [Fact]
    public async Task a_request_line_over_64_kb_is_still_refused_by_kestrel_itself()
    {
        var answer = await RawHttp.Send(kestrel.Host.Port, "GET", "/api/customers?search=" + new string('a', 70_000), Admin, null);

        answer.Status.ShouldBe(414);
        answer.Body.ShouldBeEmpty();
        using var http = kestrel.Client(TimeSpan.FromSeconds(10));
        (await http.GetAsync("/health")).IsSuccessStatusCode.ShouldBeTrue();
    }

    [Fact]
    public async Task a_sample_of_the_fuzzers_requests_is_refused_the_same_way_over_real_http()
    {
        var before = await StoreCounts.Read(KestrelHost.ConnectionString, KestrelHost.Schema);
        using var http = kestrel.Client(TimeSpan.FromSeconds(10));
        var failures = new List<string>();

        foreach (var request in new HostileRequests(seed: 4_242, otherWriteRoutes: []).Take(300))
        {
            try
            {
                using var message = request.ToMessage();
                using var response = await http.SendAsync(message);
                var body = await response.Content.ReadAsStringAsync();
                // Kestrel refuses a request line over its own 64 KB before any middleware runs: a bare status.
                if (response.StatusCode is System.Net.HttpStatusCode.RequestUriTooLong && new Uri(kestrel.Host.BaseAddress, message.RequestUri!).PathAndQuery.Length > RequestLineAndHeaderLimits.KestrelRequestLineBytes) continue;
                if (ProblemAnswers.NotAProperRefusal(response.StatusCode, response.Content.Headers.ContentType?.MediaType, body) is { } why)
                    failures.Add($"{why} <- {request}");
            }
            catch (Exception e)
            {
                failures.Add($"{e.GetType().Name}: {e.Message} <- {request}");
            }
        }

        foreach (var failure in failures.Take(20)) output.WriteLine("FAILED " + failure);
        failures.Take(10).ShouldBeEmpty();
        (await StoreCounts.Read(KestrelHost.ConnectionString, KestrelHost.Schema)).ShouldBe(before);
    }
}
