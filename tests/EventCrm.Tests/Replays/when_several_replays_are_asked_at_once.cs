using EventCrm.Host.Replays;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Replays;

/// <summary>
/// Three replays asked at once while the results table is held by the test: the replays a node
/// computes wait for it there, the others wait their turn in the node's queue and touch nothing.
/// </summary>
public class when_several_replays_are_asked_at_once
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task a_node_computes_as_many_as_it_is_set_to_and_the_others_wait_their_turn(int atOnce)
    {
        var schema = $"eventcrm_replay_turns_{atOnce}";
        await using var host = await AppFixture.StartHost(schema, (ReplayConfiguration.AtOnceKey, atOnce.ToString()));
        await host.ResetAllData();
        await host.PostTouchpoints(Enumerable.Range(0, 20).SelectMany(i => new[] { SignUp($"t-{i}", Jan1), Purchase($"t-{i}", Jan1.AddDays(i + 1)) }).ToArray());

        var ids = new List<string>();
        await using (var holder = await Open())
        {
            await using var hold = await holder.BeginTransactionAsync();
            await Execute(holder, $"lock table {schema}.replay_values in access exclusive mode");
            foreach (var asOf in new[] { "2025-06-30", "2025-07-31", "2025-08-31" })
                ids.Add((await host.PostJson("/api/replays", new { formula = "simple-clv@0", asOf }, 202))["id"]!.GetValue<string>());

            await Waits.Until(async () => await WaitingOn(schema) == atOnce, TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(3));
            (await WaitingOn(schema)).ShouldBe(atOnce);
        }

        foreach (var id in ids)
            await Waits.Until(async () => (await host.GetJson($"/api/replays/{id}"))["state"]!.GetValue<string>() == "completed",
                TimeSpan.FromSeconds(60));
        foreach (var id in ids)
            (await host.GetJson($"/api/replays/{id}"))["eventsDone"]!.GetValue<long>().ShouldBe(40);
    }

    [Fact]
    public async Task a_node_set_to_compute_none_does_not_start()
    {
        var failure = await Should.ThrowAsync<Exception>(() => AppFixture.StartHost("eventcrm_replay_turns_0", (ReplayConfiguration.AtOnceKey, "0")));

        failure.ToString().ShouldContain("Replays:AtOnce must be 1 or more");
    }

    private static async Task<long> WaitingOn(string schema)
    {
        await using var connection = await Open();
        await using var count = new NpgsqlCommand(
            "select count(*) from pg_locks where not granted and relation = to_regclass(@table)", connection);
        count.Parameters.AddWithValue("table", $"{schema}.replay_values");
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static async Task<NpgsqlConnection> Open()
    {
        var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        return connection;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
