using EventCrm.Tests.DataTools;
using Npgsql;

namespace EventCrm.Tests.Support;

/// <summary>
/// An append in flight as the log sees it: a transaction that has drawn event sequence numbers and
/// committed no event yet. Disposing it rolls it back, so the numbers are lost for good, as a
/// refused or failed append loses them.
/// </summary>
public sealed class AppendInFlight : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private AppendInFlight(NpgsqlConnection connection, NpgsqlTransaction transaction) => (_connection, _transaction) = (connection, transaction);

    public static async Task<AppendInFlight> Drawing(string schema, int numbers)
    {
        var connection = new NpgsqlConnection(DataCommandLine.ConnectionString());
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var draw = new NpgsqlCommand($"select nextval('{schema}.mt_events_sequence') from generate_series(1, {numbers})", connection, transaction);
        await draw.ExecuteNonQueryAsync();
        return new AppendInFlight(connection, transaction);
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.RollbackAsync();
        await _connection.DisposeAsync();
    }
}
