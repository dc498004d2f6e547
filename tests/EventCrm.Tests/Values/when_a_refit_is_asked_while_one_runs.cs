using System.Text.Json.Nodes;
using EventCrm.Host.Infrastructure;
using EventCrm.Host.Models;
using EventCrm.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Values;

/// <summary>One customer who signed up and bought: enough to fit. A schema of its own: every model event is counted.</summary>
public sealed class RefitTurnHost() : SchemaHost("eventcrm_refit_turn")
{
    protected override Task SeedAsync() => Host.PostTouchpoints(new[]
    {
        SignUp("turn-a", new DateTimeOffset(2025, 6, 10, 9, 0, 0, TimeSpan.Zero)),
        Purchase("turn-a", new DateTimeOffset(2025, 6, 10, 10, 0, 0, TimeSpan.Zero)),
    });
}

/// <summary>
/// A refit reads the whole log and fits over every customer (17.8 s at demo size): 6 asked at once took 110 s
/// each, and each recorded a model event, the last to end putting its model in force. One refit runs at a
/// time on a node: another asked meanwhile is answered 503 "Service busy" with Retry-After, says since when
/// the running one runs, and records nothing. The running refit is stood in for by taking the node's turn
/// through its service, so no step depends on timing.
/// </summary>
public class when_a_refit_is_asked_while_one_runs(RefitTurnHost app) : IClassFixture<RefitTurnHost>
{
    private async Task<long> ModelEvents()
    {
        await using var session = app.Store.QuerySession();
        return await session.Events.QueryAllRawEvents().Where(e => e.StreamKey == SystemStreams.PortfolioModel).LongCountAsync();
    }

    [Fact]
    public async Task the_second_is_refused_says_since_when_the_first_runs_records_nothing_and_gets_in_once_it_is_done()
    {
        var before = await ModelEvents();
        var turn = app.Host.Services.GetRequiredService<RefitTurn>();

        DateTimeOffset since;
        using (var running = turn.TryTake(out since))
        {
            running.ShouldNotBeNull();
            var refused = await app.Host.Scenario(s =>
            {
                s.Post.Json(new { asOf = "2025-06-30" }).ToUrl("/api/models/refit");
                s.StatusCodeShouldBe(503);
            });

            refused.Context.Response.Headers.RetryAfter.ToString().ShouldBe("20");
            var problem = JsonNode.Parse(await refused.ReadAsTextAsync())!;
            problem["title"]!.GetValue<string>().ShouldBe("Service busy");
            problem["detail"]!.GetValue<string>().ShouldStartWith($"A refit has been running on this node since {since:O}");
            (await ModelEvents()).ShouldBe(before);
        }

        // The turn is back: the next refit fits A (1 ledger) and records one model event.
        var fitted = await app.Host.PostJson("/api/models/refit", new { asOf = "2025-06-30" }, 201);
        fitted["customers"]!.GetValue<int>().ShouldBe(1);
        (await ModelEvents()).ShouldBe(before + 1);
    }

    [Fact]
    public async Task a_refit_that_fails_gives_the_turn_back()
    {
        // As of 2025-06-01 nobody had bought (A's purchase is on 10 June): 422, and the turn comes back.
        await app.Host.PostJson("/api/models/refit", new { asOf = "2025-06-01" }, 422);

        using var next = app.Host.Services.GetRequiredService<RefitTurn>().TryTake(out _);
        next.ShouldNotBeNull("the refused refit kept the turn");
    }
}
