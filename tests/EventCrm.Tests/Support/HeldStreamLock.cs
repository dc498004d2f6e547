using EventCrm.Tests.DataTools;
using Npgsql;

namespace EventCrm.Tests.Support;

/// <summary>
/// A customer's stream row locked in a transaction of the test's, as a writer holds it (what the
/// test writes in that transaction, it writes as that writer); committed when disposed.
/// </summary>
public sealed class HeldStreamLock : IAsyncDisposable
{
    private readonly string _schema;
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private HeldStreamLock(string schema, NpgsqlConnection connection, NpgsqlTransaction transaction) =>
        (_schema, _connection, _transaction) = (schema, connection, transaction);

    public static async Task<HeldStreamLock> Of(string schema, string customerId)
    {
        var connection = new NpgsqlConnection(DataCommandLine.ConnectionString());
        await connection.OpenAsync();
        var held = new HeldStreamLock(schema, connection, await connection.BeginTransactionAsync());
        await held.Execute($"select 1 from {schema}.mt_streams where id = '{customerId}' for update");
        return held;
    }

    public async Task Execute(string sql)
    {
        await using var command = new NpgsqlCommand(sql, _connection, _transaction);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Until <paramref name="backends"/> backends wait for a lock in a statement on the schema (this
    /// one's, when nobody else writes the schema): a second writer on the same row waits behind the
    /// first, not on this transaction, so waiting backends are counted rather than this one's blocked.
    /// </summary>
    public Task UntilWaitedOnBy(int backends) => UntilWaiting(_schema, backends);

    /// <summary>Until another backend waits for a lock in a statement on the schema (this one's, when nobody else writes the schema).</summary>
    public Task UntilAnotherWaits() => UntilOneWaits(_schema);

    /// <summary>Until a backend waits for a lock in a statement on the schema.</summary>
    public static Task UntilOneWaits(string schema) => UntilWaiting(schema, 1);

    private static async Task UntilWaiting(string schema, int backends)
    {
        // From a connection of its own: a transaction sees pg_stat_activity as it was at its first look.
        await using var watching = new NpgsqlConnection(DataCommandLine.ConnectionString());
        await watching.OpenAsync();
        await using var waiting = new NpgsqlCommand("select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like @statement", watching);
        waiting.Parameters.AddWithValue("statement", $"%{schema}.%");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if ((long)(await waiting.ExecuteScalarAsync())! >= backends) return;
            await Task.Delay(20);
        }
        throw new TimeoutException($"Fewer than {backends} came to wait for a lock in {schema} in 30 s");
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.CommitAsync();
        await _connection.DisposeAsync();
    }
}
