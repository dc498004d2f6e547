using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EventCrm.Host.Access;
using EventCrm.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace EventCrm.Tests.Access;

/// <summary>
/// Someone without a key sends made-up ones as fast as the network allows. Until 2026-12-05 each
/// cost a database query, whatever its shape and however many came from one address; now a secret
/// that cannot be a key costs none, and an address past Auth:UnknownKeysPerMinute (30) is answered
/// 429 without one, while valid keys from that address still pass (docs/api.md, "Access").
/// </summary>
public class when_guessing_api_keys(GuessingHost app) : IClassFixture<GuessingHost>
{
    private ApiKeyStore Keys => app.Host.Services.GetRequiredService<ApiKeyStore>();
    private LiveKeyHashes LiveKeys => app.Host.Services.GetRequiredService<LiveKeyHashes>();

    /// <summary>Shaped as a created key (ecrm_ and 43 base64url characters of 32 random bytes) but held by no store.</summary>
    private static string MadeUpKey() =>
        "ecrm_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static IPAddress SomeAddress() => new([10, .. RandomNumberGenerator.GetBytes(3)]);

    private async Task<(int Status, string? RetryAfter, JsonNode? Problem)> Call(string key, IPAddress from)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/keys/me");
            s.WithRequestHeader(AppFixture.ApiKeyHeader, key);
            s.ConfigureHttpContext(http => http.Connection.RemoteIpAddress = from);
            s.IgnoreStatusCode();
        });
        var response = result.Context.Response;
        var body = await result.ReadAsTextAsync();
        return (response.StatusCode, response.Headers.RetryAfter.FirstOrDefault(),
            response.ContentType == "application/problem+json" ? JsonNode.Parse(body) : null);
    }

    private async Task<(string Id, string Secret)> KeyWith(string role)
    {
        var created = await app.Host.PostJson("/api/keys", new { name = $"guessing {role}", roles = new[] { role } }, 201);
        return (created["id"]!.GetValue<string>(), created["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_secret_that_cannot_be_a_key_is_refused_without_a_lookup()
    {
        var from = SomeAddress();
        var wellFormed = MadeUpKey();
        string[] malformed =
        [
            "ecrm_not-a-real-key",
            wellFormed[..^1],                           // 42 characters after the prefix
            wellFormed + "A",                           // 44
            "ECRM_" + wellFormed[5..],                  // the prefix in capitals
            "ecrm_" + wellFormed[5..^1] + "+",          // base64, not base64url
            "ecrm_" + wellFormed[5..^1] + "=",
            "key_" + wellFormed[4..],
            "a-bootstrap-admin-key-of-another-service",
        ];
        var before = Keys.Lookups;

        foreach (var secret in malformed)
        {
            var (status, _, problem) = await Call(secret, from);
            status.ShouldBe(401, secret);
            problem!["detail"]!.GetValue<string>().ShouldBe("The API key is unknown or revoked.");
        }
        Keys.Lookups.ShouldBe(before);

        // Any number of them: not one counts against the address either.
        for (var i = 0; i < 40; i++) (await Call($"ecrm_guess-{i}", from)).Status.ShouldBe(401);
        (await Call(wellFormed, from)).Status.ShouldBe(401);
        Keys.Lookups.ShouldBe(before + 1);
    }

    [Fact]
    public async Task an_address_past_its_unknown_keys_is_answered_429_without_lookups_while_keys_the_store_holds_pass()
    {
        // Made before the guessing starts; neither has been used from anywhere, so neither is cached.
        var (valid, (revokedId, revoked)) = ((await KeyWith("desk")).Secret, await KeyWith("desk"));
        await app.Host.Scenario(s => s.Delete.Url($"/api/keys/{revokedId}"));
        var (guesser, neighbour) = (SomeAddress(), SomeAddress());
        // Past the hashes another scenario of this class may have had read, before these keys were made.
        app.Clock.Advance(LiveKeyHashes.ReadAtMostEvery);
        var (lookups, reads) = (Keys.Lookups, LiveKeys.Reads);

        var guesses = Enumerable.Range(0, 30).Select(_ => MadeUpKey()).ToList();
        foreach (var guess in guesses) (await Call(guess, guesser)).Status.ShouldBe(401);
        Keys.Lookups.ShouldBe(lookups + 30);

        // The 31st within the minute, and the next ones, whether new guesses or one already tried.
        var (status, retryAfter, problem) = await Call(MadeUpKey(), guesser);
        (status, retryAfter).ShouldBe((429, "60"));
        problem!["title"]!.GetValue<string>().ShouldBe("Too many unknown keys");
        problem["status"]!.GetValue<int>().ShouldBe(429);
        problem["type"]!.GetValue<string>().ShouldBe("https://tools.ietf.org/html/rfc6585#section-4");
        for (var i = 0; i < 20; i++) (await Call(MadeUpKey(), guesser)).Status.ShouldBe(429);
        (await Call(guesses[0], guesser)).Status.ShouldBe(429);
        (await Call(revoked, guesser)).Status.ShouldBe(429);
        Keys.Lookups.ShouldBe(lookups + 30);
        // Those that were not cached asked the store which keys it holds: once, the clock standing still.
        LiveKeys.Reads.ShouldBe(reads + 1);

        // A client sharing the address (behind the same proxy) with a valid key is served: looked up once, then cached.
        (await Call(valid, guesser)).Status.ShouldBe(200);
        (await Call(valid, guesser)).Status.ShouldBe(200);
        Keys.Lookups.ShouldBe(lookups + 31);
        // Another address is not concerned, and the bootstrap admin key is never counted.
        (await Call(MadeUpKey(), neighbour)).Status.ShouldBe(401);
        (await Call(AppFixture.AdminKey, guesser)).Status.ShouldBe(200);

        // Retry-After counts down the guesser's minute; once it has passed, unknown keys are looked up again.
        app.Clock.Advance(TimeSpan.FromSeconds(59.5));
        (await Call(MadeUpKey(), guesser)).RetryAfter.ShouldBe("1");
        app.Clock.Advance(TimeSpan.FromSeconds(0.5));
        (await Call(MadeUpKey(), guesser)).Status.ShouldBe(401);
    }

    [Fact]
    public async Task valid_keys_do_not_use_up_an_address_s_allowance()
    {
        var from = SomeAddress();
        var valid = (await KeyWith("desk")).Secret;
        (await Call(valid, from)).Status.ShouldBe(200);
        Keys.Forget(ApiKey.HashOf(valid)); // as after its 30 s in the cache
        (await Call(valid, from)).Status.ShouldBe(200);

        // Its two lookups counted against the address only until the key proved valid: 30 unknown keys are still allowed.
        for (var i = 0; i < 30; i++) (await Call(MadeUpKey(), from)).Status.ShouldBe(401);
        (await Call(MadeUpKey(), from)).Status.ShouldBe(429);
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    public void a_client_is_counted_by_its_address_and_an_ipv6_one_by_its_64(string address, string counted) =>
        ClientAddress.Of(IPAddress.Parse(address)).ShouldBe(counted);

    [Fact]
    public void the_addresses_counted_at_once_are_bounded_and_a_full_table_refuses_unknown_keys_from_others()
    {
        var clock = new StillClock(DateTimeOffset.UtcNow);
        var limit = new UnknownKeyLimit(new ConfigurationBuilder().Build(), clock);

        for (var i = 0; i < UnknownKeyLimit.MaxAddresses; i++) limit.TryTake($"address {i}").ShouldBeNull();
        limit.Addresses.ShouldBe(UnknownKeyLimit.MaxAddresses);

        // Full of open windows: a newcomer is refused until the oldest window ends, and not added.
        limit.TryTake("newcomer").ShouldBe(TimeSpan.FromMinutes(1));
        clock.Advance(TimeSpan.FromSeconds(20));
        limit.TryTake("newcomer").ShouldBe(TimeSpan.FromSeconds(40));
        limit.TryTake("address 7").ShouldBeNull();
        limit.Addresses.ShouldBe(UnknownKeyLimit.MaxAddresses);

        // Their minute over, the windows are swept out.
        clock.Advance(TimeSpan.FromSeconds(40));
        limit.TryTake("newcomer").ShouldBeNull();
        limit.Addresses.ShouldBe(1);
    }
}
