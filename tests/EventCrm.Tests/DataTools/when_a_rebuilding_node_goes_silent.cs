using EventCrm.Host.Rebuilds;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

public sealed class SilentRebuildHost() : SchemaHost("eventcrm_silent_rebuild")
{
    protected override async Task SeedAsync()
    {
        await Host.PostTouchpoints(new[] { SignUp("S1", Jan1), Purchase("S1", Jan1.AddDays(3), 80m, 20m) });
        await Store.CatchUp();
    }
}

/// <summary>
/// A node killed in the middle of a rebuild cannot record that it stopped. Its rebuild record
/// stays "rebuilding", but PostgreSQL frees its rebuild claim (RebuildClaims) with its session, and
/// its heartbeat stops (RebuildHeartbeat): with either, the status says the rebuild failed, and
/// why, instead of rebuilding (for two minutes, or forever).
/// </summary>
public class when_a_rebuilding_node_goes_silent(SilentRebuildHost app) : IClassFixture<SilentRebuildHost>
{
    private const string Projection = "SpendByCategory";

    private async Task Recorded(ProjectionRebuild rebuild)
    {
        await using var session = app.Store.LightweightSession();
        session.Store(rebuild);
        await session.SaveChangesAsync();
    }

    private static ProjectionRebuild RunningSince(DateTimeOffset startedAt, DateTimeOffset? heartbeatAt) => new()
    {
        Id = Projection, State = RebuildStates.Rebuilding, Node = "crashed-node:4242", StartedAt = startedAt, HeartbeatAt = heartbeatAt,
        TargetHighWaterMark = 2,
    };

    [Fact]
    public async Task three_minutes_of_silence_make_the_rebuild_failed_and_it_can_be_requested_again()
    {
        var silentSince = DateTimeOffset.UtcNow.AddMinutes(-3);
        await Recorded(RunningSince(silentSince.AddMinutes(-20), silentSince));

        var status = await app.Host.GetJson($"/api/projections/{Projection}");

        status["lastRebuild"]!["state"]!.GetValue<string>().ShouldBe("failed");
        // The live documents never stopped following the log: the projection itself is fine.
        status["state"]!.GetValue<string>().ShouldBe("caught-up");
        var error = status["lastRebuild"]!["error"]!.GetValue<string>();
        error.ShouldContain("crashed-node:4242");
        error.ShouldContain("request the rebuild again");
        status["lastRebuild"]!["heartbeatAt"]!.GetValue<DateTimeOffset>().ShouldBe(silentSince, TimeSpan.FromMilliseconds(1));

        await app.Host.PostJson($"/api/projections/{Projection}/rebuild", new { }, 202);
        var rebuilt = await RebuildWaits.UntilCompleted(app.Host, Projection);
        rebuilt["lastRebuild"]!["node"]!.GetValue<string>().ShouldNotBe("crashed-node:4242");
    }

    [Fact]
    public async Task a_rebuild_whose_process_holds_its_claim_is_rebuilding_and_a_second_request_is_refused()
    {
        var now = DateTimeOffset.UtcNow;
        await using var running = await RebuildClaimHeld.By(app.Schema, Projection);
        await Recorded(RunningSince(now.AddMinutes(-20), now.AddSeconds(-20)));

        var status = await app.Host.GetJson($"/api/projections/{Projection}");

        status["lastRebuild"]!["state"]!.GetValue<string>().ShouldBe("rebuilding");
        status["state"]!.GetValue<string>().ShouldBe("rebuilding");
        // Another process (a rebuild command, a node that held the lock before this one) rebuilds it: this node does not start a second.
        var refused = await app.Host.PostJson($"/api/projections/{Projection}/rebuild", new { }, 409);
        refused["detail"]!.GetValue<string>().ShouldContain("is already being rebuilt");
    }

    [Fact]
    public async Task a_rebuild_whose_process_was_killed_is_failed_at_once_though_its_last_heartbeat_is_recent()
    {
        var now = DateTimeOffset.UtcNow;
        await using (await RebuildClaimHeld.By(app.Schema, Projection))
            await Recorded(RunningSince(now.AddSeconds(-30), now.AddSeconds(-5)));
        // The session that held the claim has ended, as a killed process's does.

        var status = await app.Host.GetJson($"/api/projections/{Projection}");

        status["lastRebuild"]!["state"]!.GetValue<string>().ShouldBe("failed");
        status["state"]!.GetValue<string>().ShouldBe("caught-up");
        var error = status["lastRebuild"]!["error"]!.GetValue<string>();
        error.ShouldContain("crashed-node:4242");
        error.ShouldContain("request the rebuild again");

        await app.Host.PostJson($"/api/projections/{Projection}/rebuild", new { }, 202);
        (await RebuildWaits.UntilCompleted(app.Host, Projection))["lastRebuild"]!["node"]!.GetValue<string>().ShouldNotBe("crashed-node:4242");
    }

    [Fact]
    public async Task a_rebuilding_node_stamps_its_record_until_the_outcome_is_written_and_never_over_it()
    {
        var startedAt = DateTimeOffset.UtcNow.AddMinutes(-20);
        await Recorded(RunningSince(startedAt, startedAt));

        await using (RebuildHeartbeat.Start(app.Store, Projection, TimeProvider.System, NullLogger.Instance, every: TimeSpan.FromMilliseconds(50)))
        {
            await Until(async () => (await Loaded()).HeartbeatAt > DateTimeOffset.UtcNow.AddSeconds(-5));
            await Recorded(await Loaded() with { State = RebuildStates.Completed, FinishedAt = DateTimeOffset.UtcNow });
            var outcome = await Loaded();
            await Task.Delay(300); // several beats
            (await Loaded()).ShouldBe(outcome);
        }
    }

    [Fact]
    public async Task a_completed_rebuild_keeps_its_last_sign_of_life_not_its_start()
    {
        var rebuilder = app.Host.Services.GetRequiredService<ProjectionRebuilder>();
        var projection = app.Host.Services.GetRequiredService<ProjectionCatalog>().Find(Projection)!;
        var started = (await rebuilder.BeginAsync(projection, CancellationToken.None)).ShouldNotBeNull();
        // The node's heartbeat stamps the record as it rebuilds: here its last beat, 45 s (three beats) after the start.
        var lastBeat = started.StartedAt.AddSeconds(45);
        await RebuildHeartbeat.RecordAsync(app.Store, Projection, "heartbeatAt", lastBeat, CancellationToken.None);

        await rebuilder.RunAsync(projection, started, serviceRunsIt: true, CancellationToken.None);

        var rebuild = (await app.Host.GetJson($"/api/projections/{Projection}"))["lastRebuild"]!;
        rebuild["state"]!.GetValue<string>().ShouldBe("completed");
        // PostgreSQL keeps microseconds of the stamp.
        rebuild["heartbeatAt"]!.GetValue<DateTimeOffset>().ShouldBe(lastBeat, TimeSpan.FromMilliseconds(1));
    }

    private async Task<ProjectionRebuild> Loaded()
    {
        await using var session = app.Store.QuerySession();
        return (await session.LoadAsync<ProjectionRebuild>(Projection))!;
    }

    private static async Task Until(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException("not within 10 s");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task a_record_from_before_heartbeats_counts_from_its_start()
    {
        await Recorded(RunningSince(DateTimeOffset.UtcNow.AddMinutes(-10), heartbeatAt: null));

        (await app.Host.GetJson($"/api/projections/{Projection}"))["lastRebuild"]!["state"]!.GetValue<string>().ShouldBe("failed");
    }
}
