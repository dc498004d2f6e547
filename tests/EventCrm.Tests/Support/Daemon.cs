using EventCrm.Host.Rebuilds;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace EventCrm.Tests.Support;

public static class Daemon
{
    /// <summary>How long the shards behind may stay where they are before the wait gives up: a shard that
    /// failed stays paused, and a suite whose every wait ran to its timeout took tens of minutes to say so.</summary>
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Waits until every projection and subscription of the store has processed the whole log: up to
    /// its last committed event (<see cref="LogHead"/>), never up to numbers drawn by an append in
    /// flight or lost to one rolled back, which no shard reaches until the daemon skips them.
    /// (Marten's WaitForNonStaleProjectionDataAsync counts progress rows, and a bookkeeping row
    /// can stand in for a shard that has not started yet.) Fails early when none of the shards
    /// behind has moved for <see cref="StallLimit"/> (the Host's log then says why).
    /// </summary>
    public static async Task CatchUp(this IDocumentStore store, TimeSpan? timeout = null)
    {
        var shards = ((StoreOptions)store.Options).Projections.AllShards().Select(s => s.Name.Identity).ToArray();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        var (lastPositions, lastMove) = ("", DateTime.UtcNow);
        while (true)
        {
            var states = await store.Advanced.AllProjectionProgress();
            var head = await LogHead.HighWaterMarkAsync(store.Storage.Database, store.Options.Events.DatabaseSchemaName, states, default);
            var progress = states.GroupBy(p => p.ShardName).ToDictionary(g => g.Key, g => g.Max(p => p.Sequence));
            // A shard without a position has not started: behind, unless the log holds no committed event yet.
            var behind = shards.Where(name => progress.GetValueOrDefault(name) < head).ToArray();
            if (behind.Length == 0) return;

            var positions = string.Join(", ", behind.Select(name => progress.TryGetValue(name, out var at) ? $"{name} at {at}" : $"{name} not started"));
            if (positions != lastPositions) (lastPositions, lastMove) = (positions, DateTime.UtcNow);
            if (DateTime.UtcNow - lastMove > StallLimit)
                throw new TimeoutException($"the daemon stopped short of event {head}: {positions} for {StallLimit.TotalSeconds} s (a failed shard stays paused; see the Host's log)");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not caught up with event {head} after {timeout ?? TimeSpan.FromSeconds(60)}: {positions}");
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Marten's reset empties its own tables; the audit seals live beside them and must go too,
    /// or seals of the old events would stand for new events reusing their sequence numbers.
    /// </summary>
    public static async Task ResetAllData(this Alba.IAlbaHost host)
    {
        // The truncations can meet the host's own start-up work (its agents' first statements) in a
        // deadlock; PostgreSQL then cancels one side, here the reset: it is simply done again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ResetOnce(host);
                return;
            }
            catch (Exception e) when (attempt < 3 && IsDeadlock(e))
            {
                await Task.Delay(200 * attempt);
            }
        }
    }

    private static bool IsDeadlock(Exception? e) =>
        e is not null && (e is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.DeadlockDetected } || IsDeadlock(e.InnerException));

    private static async Task ResetOnce(Alba.IAlbaHost host)
    {
        await host.ResetAllMartenDataAsync();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await using var session = store.LightweightSession();
        session.QueueSqlCommand($"truncate table {store.Options.DatabaseSchemaName}.audit_seals, {store.Options.DatabaseSchemaName}.replay_values, {store.Options.DatabaseSchemaName}.portfolio_valuations");
        await session.SaveChangesAsync();
    }
}
