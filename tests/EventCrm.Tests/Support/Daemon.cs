using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace EventCrm.Tests.Support;

public static class Daemon
{
    /// <summary>
    /// Waits until every projection and subscription of the store has processed the whole log.
    /// (Marten's WaitForNonStaleProjectionDataAsync counts progress rows, and a bookkeeping row
    /// can stand in for a shard that has not started yet.)
    /// </summary>
    public static async Task CatchUp(this IDocumentStore store, TimeSpan? timeout = null)
    {
        var shards = ((StoreOptions)store.Options).Projections.AllShards().Select(s => s.Name.Identity).ToArray();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var head = (await store.Advanced.FetchEventStoreStatistics()).EventSequenceNumber;
            var progress = await store.Advanced.AllProjectionProgress();
            var behind = shards.Where(name => !progress.Any(p => p.ShardName == name && p.Sequence >= head)).ToArray();
            if (behind.Length == 0) return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not caught up with event {head} after {timeout}: {string.Join(", ", behind)}");
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Marten's reset empties its own tables; the audit seals live beside them and must go too,
    /// or seals of the old events would stand for new events reusing their sequence numbers.
    /// </summary>
    public static async Task ResetAllData(this Alba.IAlbaHost host)
    {
        await host.ResetAllMartenDataAsync();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await using var session = store.LightweightSession();
        session.QueueSqlCommand($"truncate table {store.Options.DatabaseSchemaName}.audit_seals, {store.Options.DatabaseSchemaName}.replay_values");
        await session.SaveChangesAsync();
    }
}
