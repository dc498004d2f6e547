using EventCrm.Host.Reliability;
using Marten;
using Npgsql;

namespace EventCrm.Tests.Reliability.Support;

/// <summary>The connections of a Host's own pool, taken by a scenario.</summary>
public static class PooledConnections
{
    /// <summary>Opens connections of the Host's pool until it has none left to give (its size, less any the Host holds now); the caller disposes them.</summary>
    public static async Task<List<NpgsqlConnection>> TakeEveryOneAsync(IDocumentStore store, int poolSize)
    {
        var held = new List<NpgsqlConnection>();
        while (held.Count <= poolSize)
        {
            var connection = store.Storage.Database.CreateConnection();
            try
            {
                await connection.OpenAsync();
                held.Add(connection);
            }
            catch (NpgsqlException e) when (DatabaseFaults.IsPoolExhausted(e))
            {
                await connection.DisposeAsync();
                return held;
            }
        }
        foreach (var connection in held) await connection.DisposeAsync();
        throw new InvalidOperationException($"{held.Count} connections opened from a pool of {poolSize}");
    }
}
