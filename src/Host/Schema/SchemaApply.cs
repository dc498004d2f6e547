using Marten;

namespace EventCrm.Host.Schema;

/// <summary>What the commands that apply the schema themselves (rebuild, import, seed-demo) do, as the Host does at start.</summary>
public static class SchemaApply
{
    public static async Task ApplyAllChangesAsync(this IServiceProvider services)
    {
        var store = services.GetRequiredService<IDocumentStore>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConcurrentIndexBuilds));
        await ConcurrentIndexBuilds.BuildMissingOnExistingTablesAsync(store, logger, CancellationToken.None);
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }
}
