using EventCrm.Host.Reliability;
using Npgsql;

namespace EventCrm.Host.Infrastructure;

/// <summary>What the Host adds to every connection string it is given, unless the string says otherwise.</summary>
public static class HostConnections
{
    /// <summary>
    /// The planner's price of a random page read. PostgreSQL's default (4, four times a sequential
    /// read) models a spinning disk; the event log's hot pages are in memory. At 4 the planner
    /// hashes the whole of <c>mt_streams</c> to join one daemon page of 500 events (13 ms a page
    /// at 33,000 streams, growing with every customer) instead of probing its index 500 times
    /// (3.8 ms). 1.1 is the usual value for SSDs and cached data.
    /// </summary>
    public const string RandomPageCost = "1.1";

    public static string Prepare(string connectionString) =>
        DatabaseFaults.WithShortTimeouts(WithCachedPageCosts(WithPreparedStatements(WithNodeName(connectionString))));

    /// <summary>Sessions that name no application are named for the node (<see cref="NodeName"/>): an operator sees in pg_stat_activity whose they are.</summary>
    public static string WithNodeName(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.ApplicationName is { Length: > 0 }) return connectionString;
        builder.ApplicationName = NodeName.OfThisProcess;
        return builder.ConnectionString;
    }

    public static string WithPreparedStatements(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare > 0 || connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase)) return connectionString;
        builder.MaxAutoPrepare = 64;
        builder.AutoPrepareMinUsages = 3;
        return builder.ConnectionString;
    }

    public static string WithCachedPageCosts(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Options?.Contains("random_page_cost", StringComparison.Ordinal) == true) return connectionString;
        builder.Options = $"{builder.Options} -c random_page_cost={RandomPageCost}".Trim();
        return builder.ConnectionString;
    }
}
