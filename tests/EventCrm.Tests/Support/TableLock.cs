using EventCrm.Tests.DataTools;
using Npgsql;

namespace EventCrm.Tests.Support;

/// <summary>A table of a schema locked against every reader, in a transaction of the test's; let go when disposed.</summary>
public sealed class TableLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private TableLock(NpgsqlConnection connection, NpgsqlTransaction transaction) => (_connection, _transaction) = (connection, transaction);

    public static async Task<TableLock> Of(string schema, string table)
    {
        var connection = new NpgsqlConnection(DataCommandLine.ConnectionString());
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand($"lock table {schema}.{table} in access exclusive mode", connection, transaction);
        await command.ExecuteNonQueryAsync();
        return new TableLock(connection, transaction);
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.RollbackAsync();
        await _connection.DisposeAsync();
    }
}
