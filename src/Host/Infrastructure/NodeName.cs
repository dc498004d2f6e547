using Marten;
using Marten.Storage;
using Npgsql;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// The name a node goes by: the connection string's <c>Application Name</c> when its operator gave
/// one, else the machine's name and the process id (as a rebuild records its node). Every
/// PostgreSQL session of the node carries it as <c>application_name</c>
/// (<see cref="HostConnections.WithNodeName"/>), so pg_stat_activity, and the projections' status
/// read from it, say which node holds a projection's lock.
/// </summary>
public static class NodeName
{
    public static string OfThisProcess => $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>The node's name as its sessions carry it: its store's connection string was given one (<see cref="HostConnections.WithNodeName"/>).</summary>
    public static string Of(IDocumentStore store) => Of(((MartenDatabase)store.Storage.Database).DataSource.ConnectionString);

    public static string Of(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString).ApplicationName is { Length: > 0 } given ? given : OfThisProcess;
}
