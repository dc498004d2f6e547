using EventCrm.Host.Sharding;
using EventCrm.Projections.Customers;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Sharding;

/// <summary>
/// Two writers send the same touchpoint id for two customers who live in two databases, each
/// having checked both databases before the other wrote: each database's unique index sees only
/// its own events, so the claim in the home database is what refuses the second. (Part of the
/// class, so that it shares its two Hosts and runs in turn with its other scenarios.)
/// </summary>
public sealed partial class when_writing_across_two_databases
{
    private const long Hold = 4_242_001;
    private static readonly DateTimeOffset June = new(2025, 6, 3, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task of_two_writers_racing_one_touchpoint_id_into_two_databases_the_second_is_refused_and_the_touchpoint_is_recorded_once()
    {
        var touchpointId = $"race-{Guid.NewGuid():N}";
        var ids = Enumerable.Range(0, 100).Select(i => $"race-{Guid.NewGuid():N}").ToList();
        var (first, second) = (ids.First(id => CustomerShardRule.DatabaseOf(id, 2) == 0), ids.First(id => CustomerShardRule.DatabaseOf(id, 2) == 1));
        var eventId = TouchpointEventIds.For(touchpointId);

        // Each database makes the insert of this event wait for a lock the scenario holds: a writer
        // that gets there has decided, and stays in its transaction until the scenario lets go.
        var holds = new List<NpgsqlConnection>();
        foreach (var database in Bases.Databases) holds.Add(await HoldInsertsOf(database, eventId));
        Task firstPost, secondPost;
        await using var _ = new Cleanup(() => Drop(eventId));
        try
        {
            firstPost = Bases.Sharded.PostTouchpoints(new[] { SignUpWithId(first, June, touchpointId) }, 201);
            await UntilAWriterWaits(Bases.Databases[0]);

            secondPost = Bases.Sharded.PostTouchpoints(new[] { SignUpWithId(second, June, touchpointId) }, 409);
            // Refused at once; without the claim it would have decided against two databases without
            // the event and would now wait in the second database's insert.
            await Task.WhenAny(secondPost, UntilAWriterWaits(Bases.Databases[1]));
        }
        finally
        {
            foreach (var hold in holds) await Release(hold);
        }
        await firstPost;
        await secondPost;

        (await EventsWithId(Bases.Databases[0], eventId)).ShouldBe(1);
        (await EventsWithId(Bases.Databases[1], eventId)).ShouldBe(0);
        (await Bases.StreamsIn(Bases.Databases[1])).ShouldNotContain(second);
        (await Bases.Sharded.PostTouchpoints(new[] { SignUpWithId(first, June, touchpointId) }, 200))["repeated"]!.GetValue<int>().ShouldBe(1);
        // The single-database Host, told the same, answers the same (and keeps the two Hosts' customers alike for the other scenarios).
        await Bases.Single.PostTouchpoints(new[] { SignUpWithId(first, June, touchpointId) }, 201);
        await Bases.Single.PostTouchpoints(new[] { SignUpWithId(second, June, touchpointId) }, 409);
    }

    private static Dictionary<string, object?> SignUpWithId(string customer, DateTimeOffset at, string touchpointId) =>
        Of("signed-up", customer, at, new { name = "Grace Hopper", email = "grace@example.com", segment = "smb", channel = "web", acquisitionCost = 40m },
            touchpointId);

    private sealed class Cleanup(Func<Task> clean) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await clean();
    }

    private string Trigger(Guid eventId) => $"hold_{eventId:N}";

    private async Task<NpgsqlConnection> HoldInsertsOf(string database, Guid eventId)
    {
        await RunSql(database, $"""
            create function {Bases.Schema}.{Trigger(eventId)}() returns trigger language plpgsql as $$
            begin
                if new.id = '{eventId}' then perform pg_advisory_xact_lock_shared({Hold}); end if;
                return new;
            end $$;
            create trigger {Trigger(eventId)} before insert on {Bases.Schema}.mt_events for each row execute function {Bases.Schema}.{Trigger(eventId)}();
            """);
        var hold = new NpgsqlConnection(database);
        await hold.OpenAsync();
        await using var command = new NpgsqlCommand($"select pg_advisory_lock({Hold})", hold);
        await command.ExecuteNonQueryAsync();
        return hold;
    }

    /// <summary>A session's advisory lock outlives a pooled connection's return to the pool: unlock it first.</summary>
    private static async Task Release(NpgsqlConnection hold)
    {
        await using (var command = new NpgsqlCommand($"select pg_advisory_unlock({Hold})", hold)) await command.ExecuteNonQueryAsync();
        await hold.DisposeAsync();
    }

    private async Task Drop(Guid eventId)
    {
        foreach (var database in Bases.Databases)
            await RunSql(database, $"drop trigger {Trigger(eventId)} on {Bases.Schema}.mt_events; drop function {Bases.Schema}.{Trigger(eventId)}()");
    }

    /// <summary>Until a backend of that database waits for the held lock.</summary>
    private static async Task UntilAWriterWaits(string database)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await Count(database, "select count(*) from pg_locks l join pg_database d on d.oid = l.database " +
                   $"where d.datname = current_database() and l.locktype = 'advisory' and not l.granted") == 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("no writer came to wait for the held insert within 30 s");
            await Task.Delay(50);
        }
    }

    private Task<long> EventsWithId(string database, Guid eventId) => Count(database, $"select count(*) from {Bases.Schema}.mt_events where id = '{eventId}'");

    private static async Task<long> Count(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task RunSql(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
