using System.Security.Cryptography;
using System.Text;
using Marten;
using Npgsql;

namespace EventCrm.Host.Demo;

/// <summary>
/// One seed-demo at a time per store. A second one (`./eventcrm seed` while `./eventcrm run` is still
/// seeding) used to take the first's seeding for an interrupted one and append the same base beside
/// it. It now waits for the first (a session-level advisory lock, freed by PostgreSQL should the first
/// die) and then finds the base there.
/// </summary>
public static class SeedingClaim
{
    public static async Task<IAsyncDisposable> ClaimAsync(IDocumentStore store, Action whileWaiting, CancellationToken ct)
    {
        var key = BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"eventcrm:seed-demo:{store.Options.DatabaseSchemaName}")));
        var connection = store.Storage.Database.CreateConnection();
        try
        {
            await connection.OpenAsync(ct);
            if (!await ExecuteAsync(connection, "select pg_try_advisory_lock(@key)", key, ct))
            {
                whileWaiting();
                await ExecuteAsync(connection, "select pg_advisory_lock(@key) is null", key, ct);
            }
            return new Claim(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<bool> ExecuteAsync(NpgsqlConnection connection, string sql, long key, CancellationToken ct)
    {
        // A seeding takes minutes: the wait for it is not bounded by the command timeout.
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("key", key);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private sealed class Claim(NpgsqlConnection connection, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await ExecuteAsync(connection, "select pg_advisory_unlock(@key)", key, CancellationToken.None);
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
