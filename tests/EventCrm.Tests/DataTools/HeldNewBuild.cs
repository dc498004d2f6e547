using Npgsql;

namespace EventCrm.Tests.DataTools;

/// <summary>
/// Holds a blue/green rebuild's new build before its first page, deterministically: an
/// uncommitted row under the new build's progress name (its shard, "{Name}-next:All") makes the
/// daemon's first progress write wait on the unique key until this is disposed (rolled back).
/// Until then the new build has processed nothing, whatever the machine's speed.
/// </summary>
public sealed class HeldNewBuild : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private HeldNewBuild(NpgsqlConnection connection, NpgsqlTransaction transaction) => (_connection, _transaction) = (connection, transaction);

    /// <param name="database">The database whose new build to hold (with customers over several, each has its own); the test database by default.</param>
    public static async Task<HeldNewBuild> Of(string schema, string projection, string? database = null)
    {
        var connection = new NpgsqlConnection(database ?? DataCommandLine.ConnectionString());
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand($"insert into {schema}.mt_event_progression (name, last_seq_id) values (@name, 0)", connection, transaction);
        command.Parameters.AddWithValue("name", $"{projection}-next:All");
        await command.ExecuteNonQueryAsync();
        return new HeldNewBuild(connection, transaction);
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.RollbackAsync();
        await _connection.DisposeAsync();
    }
}
