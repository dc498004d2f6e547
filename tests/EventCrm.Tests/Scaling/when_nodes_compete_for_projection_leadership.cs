using EventCrm.Host.Infrastructure.Leadership;
using EventCrm.Tests.Support;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Scaling;

/// <summary>
/// The daemon's leadership locks (SessionAdvisoryLock), between two "nodes" over the real
/// database: one holder at a time, a holder that holds no snapshot (so vacuum keeps working
/// while a node leads), and a lock that passes on when its holder releases it, loses its
/// session or stops.
/// </summary>
public class when_nodes_compete_for_projection_leadership(AppFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromMilliseconds(200);
    // Far from the lock ids the daemon computes for the test schemas.
    private static readonly int LockId = 900_000_000 + Random.Shared.Next(1_000_000);

    private readonly NpgsqlDataSource _nodeA = NpgsqlDataSource.Create(NodeProcess.TestDatabase() + ";Application Name=leadership-node-a");
    private readonly NpgsqlDataSource _nodeB = NpgsqlDataSource.Create(NodeProcess.TestDatabase() + ";Application Name=leadership-node-b");
    private SessionAdvisoryLock _a = null!;
    private SessionAdvisoryLock _b = null!;

    public ValueTask InitializeAsync()
    {
        _a = new SessionAdvisoryLock(_nodeA, "a", KeepAlive, NullLogger.Instance);
        _b = new SessionAdvisoryLock(_nodeB, "b", KeepAlive, NullLogger.Instance);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task one_node_holds_the_lock_and_the_other_sees_who()
    {
        (await _a.TryAttainLockAsync(LockId, default)).ShouldBeTrue();
        (await _b.TryAttainLockAsync(LockId, default)).ShouldBeFalse();
        _a.HasLock(LockId).ShouldBeTrue();
        _b.HasLock(LockId).ShouldBeFalse();

        var seenByB = (await _b.FindHolderAsync(LockId, default)).ShouldNotBeNull();
        seenByB.ApplicationName.ShouldBe("leadership-node-a");
        seenByB.IsCurrentNode.ShouldBe(false);
        (await _a.FindHolderAsync(LockId, default)).ShouldNotBeNull().IsCurrentNode.ShouldBe(true);
    }

    [Fact]
    public async Task the_holder_keeps_no_snapshot_so_vacuum_is_not_held_back()
    {
        (await _a.TryAttainLockAsync(LockId, default)).ShouldBeTrue();
        await Task.Delay(KeepAlive * 3); // keep-alives have run meanwhile

        var holder = await IdleSessionOf(_a.SessionProcessId.ShouldNotBeNull());
        holder.State.ShouldBe("idle");
        holder.InTransaction.ShouldBeFalse();
        holder.HoldsSnapshot.ShouldBeFalse();
    }

    [Fact]
    public async Task a_released_lock_goes_to_the_next_node_that_asks()
    {
        (await _a.TryAttainLockAsync(LockId, default)).ShouldBeTrue();
        await _a.ReleaseLockAsync(LockId);

        _a.HasLock(LockId).ShouldBeFalse();
        (await _b.TryAttainLockAsync(LockId, default)).ShouldBeTrue();
    }

    [Fact]
    public async Task a_holder_whose_session_is_killed_knows_it_has_lost_the_lock_and_another_takes_it()
    {
        (await _a.TryAttainLockAsync(LockId, default)).ShouldBeTrue();
        await Terminate(_a.SessionProcessId.ShouldNotBeNull());

        await Waits.Until(() => !_a.HasLock(LockId), KeepAlive * 25);
        (await _b.TryAttainLockAsync(LockId, default)).ShouldBeTrue();
        // A new session asks again, and is told no while B holds it.
        (await _a.TryAttainLockAsync(LockId, default)).ShouldBeFalse();
    }

    [Fact]
    public async Task a_stopped_holder_leaves_the_lock_free()
    {
        (await _a.TryAttainLockAsync(LockId, default)).ShouldBeTrue();
        var session = _a.SessionProcessId.ShouldNotBeNull();
        await _a.DisposeAsync();

        (await _b.TryAttainLockAsync(LockId, default)).ShouldBeTrue();
        await Waits.Until(async () => await SessionExists(session) == false, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task the_running_service_leads_its_projections_from_an_idle_session()
    {
        var options = (StoreOptions)fixture.Store.Options;
        var lockIds = options.Projections.AllShards()
            .Select(shard => JasperFx.Events.Daemon.ProjectionLockIds.Compute(options.Events.DatabaseSchemaName, shard.Name, options.Projections.DaemonLockId))
            .ToArray();
        lockIds.ShouldNotBeEmpty();

        foreach (var lockId in lockIds)
        {
            JasperFx.Events.Daemon.AdvisoryLockHolder? holder = null;
            await Waits.Until(async () => (holder = await _b.FindHolderAsync(lockId, default)) is not null, TimeSpan.FromSeconds(30));
            var session = await IdleSessionOf(int.Parse(holder!.SessionId!));
            session.InTransaction.ShouldBeFalse($"the session holding lock {lockId} is in a transaction ({session.State})");
            session.HoldsSnapshot.ShouldBeFalse($"the session holding lock {lockId} holds a snapshot");
        }
    }

    private sealed record Session(string State, bool InTransaction, bool HoldsSnapshot);

    private async Task<Session> SessionOf(int pid)
    {
        await using var command = _nodeB.CreateCommand("select state, xact_start is not null, backend_xmin is not null from pg_stat_activity where pid = @pid");
        command.Parameters.AddWithValue("pid", pid);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue($"no session {pid}");
        return new Session(reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2));
    }

    /// <summary>The session as seen between its statements: a sample taken during a keep-alive is taken again.</summary>
    private async Task<Session> IdleSessionOf(int pid)
    {
        var session = await SessionOf(pid);
        for (var sample = 1; sample < 3 && session.State == "active"; sample++)
        {
            await Task.Delay(20);
            session = await SessionOf(pid);
        }
        return session;
    }

    private async Task<bool> SessionExists(int pid)
    {
        await using var command = _nodeB.CreateCommand("select count(*) from pg_stat_activity where pid = @pid");
        command.Parameters.AddWithValue("pid", pid);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    private async Task Terminate(int pid)
    {
        await using var command = _nodeB.CreateCommand("select pg_terminate_backend(@pid)");
        command.Parameters.AddWithValue("pid", pid);
        ((bool)(await command.ExecuteScalarAsync())!).ShouldBeTrue();
    }

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
    }
}
