using System.Text.Json.Nodes;
using EventCrm.Tests.Support;
using Shouldly;

namespace EventCrm.Tests.Access;

/// <summary>
/// With Auth:RequestsPerSecondPerKey set (2 here; 0, no limit, by default), each key has a bucket of
/// that many requests, refilled at that many a second: a burst past it is answered 429 with
/// Retry-After, and other keys are not concerned (docs/api.md, "Access").
/// </summary>
public class when_a_key_sends_faster_than_its_rate(KeyRateHost app) : IClassFixture<KeyRateHost>
{
    private async Task<(int Status, string? RetryAfter, JsonNode? Problem)> Call(string url, string key)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url(url);
            s.WithRequestHeader(AppFixture.ApiKeyHeader, key);
            s.IgnoreStatusCode();
        });
        var response = result.Context.Response;
        var body = await result.ReadAsTextAsync();
        return (response.StatusCode, response.Headers.RetryAfter.FirstOrDefault(),
            response.ContentType == "application/problem+json" ? JsonNode.Parse(body) : null);
    }

    [Fact]
    public async Task the_third_request_within_the_second_is_429_and_another_key_is_served()
    {
        // The bootstrap admin has a bucket too: these two creations take it.
        var first = (await app.Host.PostJson("/api/keys", new { name = "rate one", roles = new[] { "desk" } }, 201))["key"]!.GetValue<string>();
        var second = (await app.Host.PostJson("/api/keys", new { name = "rate two", roles = new[] { "desk" } }, 201))["key"]!.GetValue<string>();
        (await Call("/api/keys", AppFixture.AdminKey)).Status.ShouldBe(429);

        (await Call("/api/keys/me", first)).Status.ShouldBe(200);
        (await Call("/api/keys/me", first)).Status.ShouldBe(200);
        var (status, retryAfter, problem) = await Call("/api/keys/me", first);
        // Empty at a standing clock: one request comes back in half a second, told as 1 (whole seconds, rounded up).
        (status, retryAfter).ShouldBe((429, "1"));
        problem!["title"]!.GetValue<string>().ShouldBe("Too many requests");
        problem["detail"]!.GetValue<string>().ShouldContain("Auth:RequestsPerSecondPerKey");
        problem["type"]!.GetValue<string>().ShouldBe("https://tools.ietf.org/html/rfc6585#section-4");

        (await Call("/api/keys/me", second)).Status.ShouldBe(200);
        // The routes that need no key and the pages are not limited, whatever key comes with them.
        (await Call("/health", first)).Status.ShouldBe(200);
        (await Call("/", first)).Status.ShouldBe(200);

        // Half a second refills one request of two a second.
        app.Clock.Advance(TimeSpan.FromSeconds(0.5));
        (await Call("/api/keys/me", first)).Status.ShouldBe(200);
        (await Call("/api/keys/me", first)).Status.ShouldBe(429);
        // A full second refills the burst, no more: two, then 429.
        app.Clock.Advance(TimeSpan.FromSeconds(5));
        (await Call("/api/keys/me", first)).Status.ShouldBe(200);
        (await Call("/api/keys/me", first)).Status.ShouldBe(200);
        (await Call("/api/keys/me", first)).Status.ShouldBe(429);
    }

    [Fact]
    public async Task a_request_without_a_valid_key_is_refused_as_ever()
    {
        (await Call("/api/keys/me", "ecrm_not-a-real-key")).Status.ShouldBe(401);
        (await Call("/api/keys/me", "")).Status.ShouldBe(401);
    }
}
