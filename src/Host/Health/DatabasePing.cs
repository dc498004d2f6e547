using Marten;

namespace EventCrm.Host.Health;

/// <summary>A <c>select 1</c> on every database of the store: what /health and the outage watch ask.</summary>
public static class DatabasePing
{
    /// <summary>Returns when every database answered; throws what the first one that did not answer threw.</summary>
    public static async Task EveryDatabase(IDocumentStore store, CancellationToken ct)
    {
        foreach (var database in await store.Storage.AllDatabases())
        {
            await using var connection = database.CreateConnection();
            await connection.OpenAsync(ct);
            await using var ping = connection.CreateCommand();
            ping.CommandText = "select 1";
            await ping.ExecuteScalarAsync(ct);
        }
    }
}
