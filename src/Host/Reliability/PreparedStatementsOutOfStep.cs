using EventCrm.Host.Sharding;
using Marten.Storage;
using Npgsql;

namespace EventCrm.Host.Reliability;

/// <summary>
/// A pooled connection whose auto-prepared statements Npgsql (10.0.3) no longer tracks as the server
/// holds them. When a statement of a batch fails, or is cancelled, after sending rows, Npgsql takes
/// the statements after it that it was preparing in that batch for prepared; that connection then
/// fails every batch holding one of them with 26000 "prepared statement _autoN does not exist", for
/// as long as it lives. The stream locks no longer fail that way (<c>StreamLocks.Sql</c>); a client
/// that goes away mid-read still can. On the first such failure the node closes its pooled
/// connections (the idle ones now, the busy ones as they come back), so that one request fails, not
/// every later one the connection would carry (docs/reliability.md).
/// </summary>
public sealed class PreparedStatementsOutOfStep(CustomerDatabases databases)
{
    public static bool Caused(Exception exception) =>
        DatabaseFaults.Chain(exception).Any(e => e is PostgresException { SqlState: PostgresErrorCodes.InvalidSqlStatementName });

    /// <summary>Closes every pooled connection of every database of the node: new ones prepare their statements afresh.</summary>
    public async Task ReopenConnectionsAsync()
    {
        foreach (var database in await databases.AllAsync())
            if (database is MartenDatabase { DataSource: { } dataSource }) dataSource.Clear();
    }
}
