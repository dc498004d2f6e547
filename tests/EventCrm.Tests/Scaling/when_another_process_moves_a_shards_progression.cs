using EventCrm.Relationship.Value;
using EventCrm.Tests.DataTools;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Scaling;

/// <summary>A schema of its own: the scenario moves one of its shards' progression by hand.</summary>
public sealed class MovedProgressionHost() : SchemaHost("eventcrm_moved_progression");

/// <summary>
/// Two nodes on one database, PostgreSQL stopped for 75 s under load and started again (2026-12-06):
/// the node that had run CustomerLedger kept running it until its next poll noticed its lost session,
/// while the other node had already taken the free lock; the new holder's batch met the old one's
/// committed progression (ProgressionProgressOutOfOrderException), the daemon stopped that shard, and
/// nothing started it again: its ledgers stayed 2,192 events behind for as long as the node ran. Here
/// the other process is the scenario itself, moving the progression on before the node's next batch
/// (what the other process wrote beside it is not played: the node's carrying on is what is tested).
/// </summary>
public class when_another_process_moves_a_shards_progression(MovedProgressionHost app) : IClassFixture<MovedProgressionHost>
{
    private const string Shard = "CustomerLedger:All";

    [Fact]
    public async Task the_node_holding_the_lock_starts_the_stopped_shard_again_from_the_committed_progression()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));
        await app.Store.CatchUp();

        // The node's agent is at the head, in memory; the row says another process took the next event.
        await MoveProgressionPastTheHead();
        await app.Host.PostTouchpoints(Purchase(customer, Jan1.AddDays(1), amount: 111m, margin: 0m));

        // The node's batch for that event fails against the row, and the daemon stops the shard. Once it
        // is started again, it carries on from the row: a later purchase reaches the ledger.
        await app.Host.PostTouchpoints(Purchase(customer, Jan1.AddDays(2), amount: 222m, margin: 0m));
        await app.Store.CatchUp(TimeSpan.FromSeconds(45));

        await using var session = app.Store.QuerySession();
        var ledger = (await session.LoadAsync<CustomerLedger>(customer)).ShouldNotBeNull();
        // The stored ledger keeps the purchase days, not the lines (docs/design.md): its last day is the 222's.
        ledger.Occasions()!.Last.ShouldBe(DateOnly.FromDateTime(Jan1.AddDays(2).UtcDateTime));
    }

    /// <summary>As a commit of another process would: the shard's progression set one past the last event.</summary>
    private async Task MoveProgressionPastTheHead()
    {
        await using var connection = new NpgsqlConnection(DataCommandLine.ConnectionString());
        await connection.OpenAsync();
        await using var move = new NpgsqlCommand(
            $"update {app.Schema}.mt_event_progression set last_seq_id = (select max(seq_id) + 1 from {app.Schema}.mt_events) where name = @shard", connection);
        move.Parameters.AddWithValue("shard", Shard);
        (await move.ExecuteNonQueryAsync()).ShouldBe(1);
    }
}
