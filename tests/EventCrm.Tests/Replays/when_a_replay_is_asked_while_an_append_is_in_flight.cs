using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Replays;

// Sequence numbers are drawn inside the appending transaction: an append can hold a number below
// the last one committed. A replay that took the log's end while it was open would say it covered
// the log up to there without its event, and so would every later request for the same replay.
public class when_a_replay_is_asked_while_an_append_is_in_flight
{
    private const string Schema = "eventcrm_replay_in_flight";

    [Fact]
    public async Task the_replay_waits_for_the_append_and_covers_its_event()
    {
        await using var host = await AppFixture.StartHost(Schema);
        await host.ResetAllData();
        var (early, late) = (Ids.Customer(), Ids.Customer());
        await host.PostTouchpoints(new[] { SignUp(early, Jan1), Of("visit", early, Jan1.AddDays(1), new { cost = 25m }), SignUp(late, Jan1) });

        // A third touchpoint of the early customer, written with its sequence number but not committed.
        await using var appending = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await appending.OpenAsync();
        await using var transaction = await appending.BeginTransactionAsync();
        await Execute(appending,
            $"insert into {Schema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived, correlation_id, causation_id, headers) " +
            $"select nextval('{Schema}.mt_events_sequence'), gen_random_uuid(), stream_id, 3, jsonb_set(data, '{{touchpointId}}', to_jsonb(@id)), type, now(), " +
            $"tenant_id, mt_dotnet_type, is_archived, correlation_id, causation_id, headers from {Schema}.mt_events where stream_id = @customer and version = 2",
            ("id", Ids.Touchpoint()), ("customer", early));
        await Execute(appending, $"update {Schema}.mt_streams set version = 3 where id = @customer", ("customer", early));
        // Committed after it, with a higher number.
        await host.PostTouchpoints(Purchase(late, Jan1.AddDays(2)));

        var asked = host.PostJson("/api/replays", new { formula = "simple-clv@0" }, 202);
        await Task.Delay(TimeSpan.FromSeconds(1));
        asked.IsCompleted.ShouldBeFalse();
        await transaction.CommitAsync();
        var replay = (await asked)["id"]!.GetValue<string>();

        // early: signup, visit, the visit in flight; late: signup, purchase.
        (await host.GetJson($"/api/replays/{replay}"))["eventsTotal"]!.GetValue<long>().ShouldBe(5);
        await Waits.Until(async () => (await host.GetJson($"/api/replays/{replay}"))["state"]!.GetValue<string>() == "completed");
        (await host.GetJson($"/api/replays/{replay}"))["eventsDone"]!.GetValue<long>().ShouldBe(5);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }
}
