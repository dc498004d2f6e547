using Alba;
using EventCrm.Host.Sharding;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Sharding;

public sealed class ShardedLargeAccount() : TwoDatabases("eventcrm_sharded_large");

// A value read writes the value checkpoints a large account lacks: in the database that holds the account's stream,
// which is not the home database for about half the customers.
public class when_a_large_account_lives_in_the_second_database(ShardedLargeAccount bases) : IClassFixture<ShardedLargeAccount>
{
    [Fact]
    public async Task its_value_as_of_a_past_date_is_read_from_checkpoints_written_beside_its_stream()
    {
        var databases = bases.Sharded.Services.GetRequiredService<CustomerDatabases>();
        var customer = Enumerable.Range(1, 100).Select(i => $"big-shard-{i}").First(id => databases.TenantOf(id) != databases.HomeTenantId);
        var start = new DateTimeOffset(2019, 1, 2, 10, 0, 0, TimeSpan.Zero);
        // A signup, then a purchase of 10 (margin 3) every day for 2,100 days: checkpoints at events 1,000 and 2,000.
        var history = new[] { SignUp(customer, start) }.Concat(Enumerable.Range(1, 2_100).Select(d => Purchase(customer, start.AddDays(d), amount: 10m, margin: 3m)));
        foreach (var batch in history.Chunk(1_000)) await bases.Sharded.PostTouchpoints(batch);

        // As of day 1,500 (end of that day): the signup and purchases 1 to 1,500.
        var value = await bases.Sharded.GetJson($"/api/customers/{customer}/value?asOf={start.AddDays(1_500):yyyy-MM-dd}");

        (value["touchpointsCounted"]!.GetValue<int>(), value["historical"]!["revenue"]!.GetValue<decimal>()).ShouldBe((1_501, 15_000m));
        (await CheckpointsIn(bases.Databases[1], customer)).ShouldBe([1_000L, 2_000L]);
        (await CheckpointsIn(bases.Databases[0], customer)).ShouldBeEmpty();
    }

    private async Task<long[]> CheckpointsIn(string database, string customer)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select (data ->> 'version')::bigint from {bases.Schema}.mt_doc_valuecheckpoint where data ->> 'customerId' = @id order by 1", connection);
        command.Parameters.AddWithValue("id", customer);
        var versions = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) versions.Add(reader.GetInt64(0));
        return [.. versions];
    }
}
