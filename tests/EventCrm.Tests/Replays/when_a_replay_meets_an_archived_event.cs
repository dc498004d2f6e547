using System.Text.Json.Nodes;
using EventCrm.Tests.Support;
using Marten;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Replays;

public sealed class ArchivedEventReplayHost() : SchemaHost("eventcrm_replay_archived")
{
    protected override Task SeedAsync() => Host.PostTouchpoints(new[]
    {
        SignUp("x-1", Jan1), Purchase("x-1", Jan1.AddDays(10), 100m, 30m), Purchase("x-1", Jan1.AddDays(100), 50m, 10m),
    });
}

/// <summary>
/// The service never archives an event, but one marked archived by hand is hidden from every live
/// read (the audit chain names it). A replay read it anyway: under the very formula in force it
/// gave another value than the live read, and its diff called that value "live".
/// </summary>
public class when_a_replay_meets_an_archived_event(ArchivedEventReplayHost replays) : IClassFixture<ArchivedEventReplayHost>
{
    /// <summary>A replay as of 2025-12-31 under the formula in force (retention-ltv@0: nothing was chosen here).</summary>
    private async Task<JsonNode> CompletedUnderTheFormulaInForce()
    {
        var id = (await replays.Host.PostJson("/api/replays", new { formula = "retention-ltv@0", asOf = "2025-12-31" }, 202))["id"]!.GetValue<string>();
        for (var waited = 0; waited < 600; waited++)
        {
            var run = await replays.Host.GetJson($"/api/replays/{id}");
            if (run["state"]!.GetValue<string>() != "running") return run;
            await Task.Delay(200);
        }
        throw new ShouldAssertException($"replay {id} still running");
    }

    [Fact]
    public async Task the_replay_leaves_it_out_as_the_live_read_does_and_gives_the_live_value()
    {
        // The second purchase (50, margin 10), version 3 of the stream, archived by hand.
        await using (var session = replays.Store.LightweightSession())
        {
            await using var command = new Npgsql.NpgsqlCommand(
                $"update {replays.Schema}.mt_events set is_archived = true where stream_id = 'x-1' and version = 3");
            (await session.ExecuteAsync(command)).ShouldBe(1);
        }
        var live = await replays.Host.GetJson("/api/customers/x-1/value?asOf=2025-12-31");

        var run = await CompletedUnderTheFormulaInForce();
        var read = await replays.Host.GetJson($"/api/replays/{run["id"]}/customers/x-1");

        // Signup (acquisition 120) and the purchase of 100 (margin 30): revenue 100, profit 30 - 120 = -90.
        // Tenure from 1 Jan 09:00 to the end of 31 Dec: 364.625 days / 365.25 = 0.998289 year, so
        // m = 30 / 0.998289 = 30.0514 and LTV = m x 0.75 / (1.08 - 0.75) = 68.30 (with the 50: 40 / ... = 91.06).
        live["historical"]!["revenue"]!.GetValue<decimal>().ShouldBe(100m);
        live["current"]!.GetValue<decimal>().ShouldBe(68.30m);
        read["value"]!["historical"]!["revenue"]!.GetValue<decimal>().ShouldBe(100m);
        read["value"]!["historical"]!["profit"]!.GetValue<decimal>().ShouldBe(-90m);
        read["value"]!["touchpointsCounted"]!.GetValue<int>().ShouldBe(2);
        read["value"]!["current"]!.GetValue<decimal>().ShouldBe(68.30m);
        read["history"]!.AsArray().Select(point => point!["revenue"]!.GetValue<decimal>()).ShouldBe([0m, 100m]);
        run["eventsTotal"]!.GetValue<long>().ShouldBe(2);
        run["eventsDone"]!.GetValue<long>().ShouldBe(2);
        var diff = await replays.Host.GetJson($"/api/replays/{run["id"]}/diff");
        diff["items"]![0]!["against"]!.GetValue<decimal>().ShouldBe(68.30m);
        diff["changed"]!.GetValue<long>().ShouldBe(0);
    }
}
