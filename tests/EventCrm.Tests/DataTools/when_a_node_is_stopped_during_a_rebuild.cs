using Alba;
using EventCrm.Tests.Support;
using Microsoft.Extensions.Logging;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// A graceful stop (SIGTERM, a deploy's restart) of the node during a blue/green rebuild of
/// CustomerLedger. Until 2026-12-07 the status said `"error": "A task was canceled."`, and the log a
/// failure with its stack trace beside Marten's ProgressionProgressOutOfOrderException ("multiple
/// processes try to process the projection"), as if two nodes had run it. Now the status says the
/// node was stopped, and the log says so as a warning, with no error and no such exception.
/// </summary>
public class when_a_node_is_stopped_during_a_rebuild : IAsyncLifetime
{
    // Per test process: developers share one database, and a second run must not reset this one's base.
    private static readonly string Schema = $"eventcrm_stopped_rebuild_{Environment.ProcessId}";

    // The in-process host runs in this test process, and its connection string names no application.
    private static readonly string ThisNode = $"{Environment.MachineName}:{Environment.ProcessId}";

    private readonly CapturedLogs _logs = new(LogLevel.Information);
    private IAlbaHost _node = null!;

    public async ValueTask InitializeAsync()
    {
        _node = await AppFixture.StartHost(Schema, _logs);
        await _node.ResetAllData();
    }

    [Fact]
    public async Task the_status_says_it_was_stopped_and_the_log_warns_without_an_error()
    {
        await _node.PostTouchpoints(new[] { SignUp("stop-1", Jan1), Purchase("stop-1", Jan1.AddDays(2), 100m, 30m) });
        await Waits.Until(async () => (await _node.GetJson("/api/projections/CustomerLedger"))["state"]!.GetValue<string>() == "caught-up");

        // The new build held before its first page: the stop comes while it is still building, whatever the machine's speed.
        var held = await HeldNewBuild.Of(Schema, "CustomerLedger");
        await _node.PostJson("/api/projections/CustomerLedger/rebuild", new { }, 202);
        await Waits.Until(SomeSessionWaitsOnALock);

        var mark = _logs.Mark();
        var stopping = _node.StopAsync();
        // Let the held page go once the stop has begun (the rebuild's cancellation comes first in it).
        await Waits.Until(() => _logs.Since(mark).Any(e => e.Message.StartsWith("Application is shutting down", StringComparison.Ordinal)));
        await held.DisposeAsync();
        await stopping;

        var logged = _logs.Since(mark);
        // The service's own categories, the side build's daemon included (it logs under BlueGreenRebuild's). Marten's live
        // coordinator may log a load cut short by the stop (ObjectDisposedException) at any stop of a node: not the rebuild's.
        logged.Where(e => e.Level >= LogLevel.Error && e.Category.StartsWith("EventCrm.", StringComparison.Ordinal))
            .Select(e => $"{e.Category}: {e.Message} {e.Exception?.GetType().Name}").ShouldBeEmpty();
        logged.ShouldNotContain(e => $"{e.Message} {e.Exception}".Contains("ProgressionProgressOutOfOrder", StringComparison.Ordinal));
        logged.ShouldContain(e => e.Level == LogLevel.Warning && e.Message.StartsWith(
            "Rebuild of projection CustomerLedger stopped: the node running it", StringComparison.Ordinal));

        await using var restarted = await AppFixture.StartHost(Schema);
        var rebuild = (await restarted.GetJson("/api/projections/CustomerLedger"))["lastRebuild"]!;
        rebuild["state"]!.GetValue<string>().ShouldBe("failed");
        rebuild["error"]!.GetValue<string>().ShouldBe(
            $"stopped: the node running it ({ThisNode}) was shut down during the rebuild, whose new build was dropped (the live documents stay); ask again");
        // The live document stayed: 100 bought.
        (await restarted.GetJson("/api/customers/stop-1/value"))["historical"]!["revenue"]!.GetValue<decimal>().ShouldBe(100m);
        await restarted.StopAsync();
    }

    /// <summary>
    /// The profiles, rebuilt in place, drop nothing when the node stops: until 2026-12-08 the status said the "new build was
    /// dropped (the live documents stay)" of a rebuild that had already rewritten some profiles. It says how many now.
    /// </summary>
    [Fact]
    public async Task an_in_place_rebuild_stopped_says_how_many_profiles_it_rebuilt()
    {
        await _node.PostTouchpoints(new[] { SignUp("stop-in-1", Jan1), SignUp("stop-in-2", Jan1), SignUp("stop-in-3", Jan1) });
        // The second customer's stream held: the rebuild rewrites the first one's profile, then waits on the second.
        await using var holder = new NpgsqlConnection(DataCommandLine.ConnectionString());
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockIt = new NpgsqlCommand($"select id from {Schema}.mt_streams where id = 'stop-in-2' for update", holder, hold))
            await lockIt.ExecuteNonQueryAsync();
        await _node.PostJson("/api/projections/CustomerProfile/rebuild", new { }, 202);
        await Waits.Until(async () => (await _node.GetJson("/api/projections/CustomerProfile"))["lastRebuild"]?["waitingOn"] is not null);

        await _node.StopAsync();
        await hold.RollbackAsync();

        await using var restarted = await AppFixture.StartHost(Schema);
        var rebuild = (await restarted.GetJson("/api/projections/CustomerProfile"))["lastRebuild"]!;
        rebuild["state"]!.GetValue<string>().ShouldBe("failed");
        rebuild["error"]!.GetValue<string>().ShouldBe($"stopped: the node running it ({ThisNode}) was shut down during the rebuild, having rebuilt the " +
            "profiles of 1 of 3 customers; the others are not rebuilt yet, and every profile is complete (rebuilt, or as the previous code folded it); " +
            "ask again to rebuild them all");
        await restarted.StopAsync();
    }

    /// <summary>The new build's first progress write waiting on the test's uncommitted row (sessions of this database only).</summary>
    private static async Task<bool> SomeSessionWaitsOnALock()
    {
        await using var connection = new NpgsqlConnection(DataCommandLine.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select exists (select 1 from pg_locks l join pg_stat_activity a on a.pid = l.pid where not l.granted and a.datname = current_database())", connection);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        await DataCommandLine.DropSchema(Schema);
    }
}
