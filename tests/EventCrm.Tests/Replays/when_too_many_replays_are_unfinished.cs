using System.Text.Json.Nodes;
using EventCrm.Host.Replays;
using EventCrm.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace EventCrm.Tests.Replays;

/// <summary>
/// Each replay holds its results and minutes of the cores: a service keeping two unfinished at the
/// most (Replays:MaxUnfinished) refuses a third new one with a 503 and Retry-After, starts nothing,
/// and still answers a request for a replay it already has. A run of the replay command is not
/// counted: a command stopped half-way would hold its place for good.
/// </summary>
public class when_too_many_replays_are_unfinished
{
    [Fact]
    public async Task a_new_replay_past_the_limit_is_refused_and_a_known_one_is_still_answered()
    {
        await using var host = await AppFixture.StartHost("eventcrm_replay_limit", (ReplayConfiguration.MaxUnfinishedKey, "2"));
        await host.ResetAllData();
        // Two replays queued a moment ago and still computing, and one a command left running.
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            foreach (var (asOf, queued) in new[] { ("2025-06-30", true), ("2025-07-31", true), ("2025-05-31", false) })
                await host.Services.GetRequiredService<ReplayRequests>()
                    .StartAsync(session, new("simple-clv", 0, new Dictionary<string, decimal>()), DateTimeOffset.Parse($"{asOf}T23:59:59.9999999Z"), default, queued);
            await session.SaveChangesAsync();
        }

        var refused = await host.Scenario(s =>
        {
            s.Post.Json(new { formula = "simple-clv@0", asOf = "2025-08-31" }).ToUrl("/api/replays");
            s.StatusCodeShouldBe(503);
        });
        var known = await host.PostJson("/api/replays", new { formula = "simple-clv@0", asOf = "2025-06-30" }, 202);

        refused.Context.Response.Headers.RetryAfter.ToString().ShouldBe("60");
        JsonNode.Parse(await refused.ReadAsTextAsync())!["detail"]!.GetValue<string>().ShouldContain("2 replays are unfinished");
        known["isNew"]!.GetValue<bool>().ShouldBeFalse();
        (await host.GetJson("/api/replays"))["total"]!.GetValue<long>().ShouldBe(3);
    }

    [Fact]
    public async Task a_service_set_to_keep_none_does_not_start()
    {
        var failure = await Should.ThrowAsync<Exception>(() => AppFixture.StartHost("eventcrm_replay_limit", (ReplayConfiguration.MaxUnfinishedKey, "0")));

        failure.ToString().ShouldContain("Replays:MaxUnfinished must be 1 or more");
    }
}
