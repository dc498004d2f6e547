using System.Text.Json.Nodes;
using EventCrm.Tests.Support;
using Marten;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Replays;

public sealed class AlteredRowsReplayHost() : SchemaHost("eventcrm_replay_altered")
{
    protected override Task SeedAsync() => Host.PostTouchpoints(new[]
    {
        SignUp("y-1", Jan1), Purchase("y-1", Jan1.AddDays(10), 100m, 30m), Purchase("y-1", Jan1.AddDays(100), 50m, 10m),
    });
}

/// <summary>
/// What docs/value.md ("Reads of large accounts") and audit-and-replays.md ("Replays under a formula") say of rows
/// altered by SQL after the daemon folded them (an external audit, 2026-12-07): the default value read answers the ledger
/// folded when the events were appended, the reads that fold the stream and a replay read the rows as they are now, and
/// the replay's diff, whose live side is worked out in the same pass from the same rows, finds nothing changed.
/// </summary>
public class when_rows_are_altered_after_the_daemon_folded_them(AlteredRowsReplayHost replays) : IClassFixture<AlteredRowsReplayHost>
{
    [Fact]
    public async Task the_default_read_keeps_the_fold_of_before_while_the_stream_reads_and_the_replay_read_the_rows_now()
    {
        await replays.Store.CatchUp();
        // The second purchase (version 3) raised from 50 to 500 by SQL, outside the service.
        await using (var session = replays.Store.LightweightSession())
        {
            await using var command = new Npgsql.NpgsqlCommand(
                $"update {replays.Schema}.mt_events set data = jsonb_set(data, '{{amount}}', '500') where stream_id = 'y-1' and version = 3");
            (await session.ExecuteAsync(command)).ShouldBe(1);
        }

        // Revenue: 100 + 50 = 150 as appended (the kept ledger), 100 + 500 = 600 as the rows now read.
        (await replays.Host.GetJson("/api/customers/y-1/value"))["historical"]!["revenue"]!.GetValue<decimal>().ShouldBe(150m);
        // To the tick: cut to the second, it fell before the rows recorded in the same second (a 404, not known then).
        var now = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ");
        (await replays.Host.GetJson($"/api/customers/y-1/value?knownAt={now}"))["historical"]!["revenue"]!.GetValue<decimal>().ShouldBe(600m);

        var id = (await replays.Host.PostJson("/api/replays", new { formula = "retention-ltv@0" }, 202))["id"]!.GetValue<string>();
        for (var waited = 0; waited < 600 && (await replays.Host.GetJson($"/api/replays/{id}"))["state"]!.GetValue<string>() == "running"; waited++)
            await Task.Delay(200);
        var read = await replays.Host.GetJson($"/api/replays/{id}/customers/y-1");
        read["value"]!["historical"]!["revenue"]!.GetValue<decimal>().ShouldBe(600m);
        var diff = await replays.Host.GetJson($"/api/replays/{id}/diff");
        diff["changed"]!.GetValue<long>().ShouldBe(0);
        diff["items"]![0]!["against"]!.GetValue<decimal>().ShouldBe(diff["items"]![0]!["replayed"]!.GetValue<decimal>());
    }
}
