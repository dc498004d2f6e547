using EventCrm.Host.Infrastructure;
using EventCrm.Tests.Sharding;
using Marten;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.Customers;

/// <summary>
/// The search's index needs pg_trgm (CustomerIndexes). Stores of different schemas take different
/// migration locks, so on a fresh database (test classes, the bench, tenants sharing a database) they
/// create it at the same moment: with Weasel's plain CREATE EXTENSION IF NOT EXISTS all but one failed
/// on the extension's unique name, and their store never got its tables.
/// </summary>
public class when_several_schemas_create_the_search_extension_at_once : IAsyncLifetime
{
    private readonly string _database = TwoDatabases.DatabaseNamed($"eventcrm_trigram_race_{Environment.ProcessId}");

    public async ValueTask InitializeAsync() => await TwoDatabases.RecreateAsync(_database);

    [Fact]
    public async Task every_store_gets_its_schema_and_the_extension_is_created_once()
    {
        var stores = Enumerable.Range(0, 4).Select(i => DocumentStore.For(o => o.ConfigureEventCrmStore(_database, $"trigram_race_{i}"))).ToList();
        try
        {
            await Task.WhenAll(stores.Select(store => Task.Run(() => store.Storage.ApplyAllConfiguredChangesToDatabaseAsync())));
        }
        finally
        {
            foreach (var store in stores) store.Dispose();
        }

        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var indexes = new NpgsqlCommand(
            "select count(*) from pg_indexes where indexname = 'mt_doc_customerprofile_idx_search_text' and indexdef like '%gin_trgm_ops%'", connection);
        ((long)(await indexes.ExecuteScalarAsync())!).ShouldBe(4);
    }

    public async ValueTask DisposeAsync() => await TwoDatabases.DropAsync(_database);
}
