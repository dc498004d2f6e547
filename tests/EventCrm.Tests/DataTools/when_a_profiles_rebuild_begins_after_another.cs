using System.Text.Json.Nodes;
using Alba;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// The status as a rebuild of the profiles begins after a completed one. The rebuild claims the projection, then counts
/// its customers and records that it began; until 2026-12-08 a status read in between said "rebuilding" with the last
/// run's node, start and customers all rebuilt (3 of 3), for as long as the count took (~0.5 s on a large base). Now it
/// waits for the new run's record: its start, and its progress from 0. The count is held here by a lock on the streams.
/// </summary>
public class when_a_profiles_rebuild_begins_after_another : IAsyncLifetime
{
    // Per test process: developers share one database, and a second run must not reset this one's base.
    private static readonly string Schema = $"eventcrm_rebuild_begins_{Environment.ProcessId}";
    private const string Status = "/api/projections/CustomerProfile";
    private IAlbaHost _node = null!;

    public async ValueTask InitializeAsync()
    {
        _node = await AppFixture.StartHost(Schema);
        await _node.ResetAllData();
    }

    [Fact]
    public async Task the_status_says_rebuilding_with_the_new_runs_start_and_progress_from_0()
    {
        await _node.PostTouchpoints(new[] { SignUp("begin-1", Jan1), SignUp("begin-2", Jan1), SignUp("begin-3", Jan1) });
        await _node.PostJson($"{Status}/rebuild", new { }, 202);
        await Waits.Until(async () => (await _node.GetJson(Status))["lastRebuild"]!["state"]!.GetValue<string>() == "completed");
        var previous = (await _node.GetJson(Status))["lastRebuild"]!;
        previous["customersRebuilt"]!.GetValue<long>().ShouldBe(3);

        // The first customer's stream held for the whole scenario (the new run waits on it, 0 rebuilt); the streams' table
        // held only while the new run begins, so that its count of customers waits.
        await using var holder = new NpgsqlConnection(DataCommandLine.ConnectionString());
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await Execute(holder, hold, $"select id from {Schema}.mt_streams where id = 'begin-1' for update; savepoint counting; " +
            $"lock table {Schema}.mt_streams in access exclusive mode");
        var asked = _node.PostJson($"{Status}/rebuild", new { }, 202);
        await Waits.Until(() => Exists($"select exists (select 1 from pg_locks where not granted and relation = '{Schema}.mt_streams'::regclass)"));

        var status = _node.GetJson(Status);
        // Answered at once (a status that does not wait for the new record), or waiting on the rebuild that begins.
        await Task.WhenAny(status, Waits.Until(() => Exists("select exists (select 1 from pg_locks where locktype = 'advisory' and not granted " +
            "and database = (select oid from pg_database where datname = current_database()))")));
        await Execute(holder, hold, "rollback to savepoint counting");
        await asked;
        var read = await status;

        var rebuild = read["lastRebuild"]!;
        rebuild["startedAt"]!.GetValue<DateTimeOffset>().ShouldBeGreaterThan(previous["finishedAt"]!.GetValue<DateTimeOffset>());
        rebuild["state"]!.GetValue<string>().ShouldBe("rebuilding");
        read["state"]!.GetValue<string>().ShouldBe("rebuilding");
        rebuild["finishedAt"].ShouldBeNull();
        rebuild["customersRebuilt"]!.GetValue<long>().ShouldBe(0);
        rebuild["customers"]!.GetValue<long>().ShouldBe(3);

        await hold.RollbackAsync();
        await Waits.Until(async () => (await _node.GetJson(Status))["lastRebuild"]!["state"]!.GetValue<string>() == "completed");
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<bool> Exists(string sql)
    {
        await using var connection = new NpgsqlConnection(DataCommandLine.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        await DataCommandLine.DropSchema(Schema);
    }
}
