using EventCrm.Host.Sharding;
using Npgsql;

namespace EventCrm.Host.Reliability;

/// <summary>One database of the configuration as the operator knows it: its id in reports ("db1"), its setting and where it is (host:port).</summary>
public sealed record NamedDatabase(string Id, string Setting, string Address, string? DatabaseName, bool OneOfSeveral)
{
    /// <summary>"database db1 of Tenancy:Databases (127.0.0.1:5472)", or "the database of ConnectionStrings:EventCrm (127.0.0.1:5432)".</summary>
    public override string ToString() => OneOfSeveral ? $"database {Id} of {TenancySettings.Section} ({Address})" : $"the database of {Setting} ({Address})";
}

/// <summary>
/// Which database of the configuration an error is about. With customers over several databases an
/// error of Npgsql says only "Failed to connect to 127.0.0.1:5472": the operator needs to read which
/// database of <c>Tenancy:Databases</c> that is. Never the connection string itself (it may hold a password).
/// </summary>
public static class DatabaseNames
{
    private static IReadOnlyList<NamedDatabase> _remembered = [];

    /// <summary>The databases of the configuration, in order: those of <c>Tenancy:Databases</c> (db0, db1, ...), else the one of <c>ConnectionStrings:EventCrm</c>.</summary>
    public static IReadOnlyList<NamedDatabase> Of(IConfiguration configuration)
    {
        var tenancy = TenancySettings.From(configuration);
        if (tenancy.Sharded)
            return tenancy.Databases.Select((connection, i) =>
                new NamedDatabase(TenancySettings.TenantIdOf(i), $"{TenancySettings.Section}:{i}", AddressOf(connection), NameOf(connection), OneOfSeveral: true)).ToList();
        return configuration.GetConnectionString("EventCrm") is { Length: > 0 } single
            ? [new NamedDatabase(CustomerDatabases.SingleName, "ConnectionStrings:EventCrm", AddressOf(single), NameOf(single), OneOfSeveral: false)]
            : [];
    }

    /// <summary>
    /// Kept for the process's one-line refusals (a failed start, a verb), which are written where no
    /// configuration is at hand: the process runs one service, whose configuration Program.cs reads first.
    /// </summary>
    public static void Remember(IConfiguration configuration)
    {
        try
        {
            _remembered = Of(configuration);
        }
        catch (ArgumentException)
        {
            // A connection string that does not read is refused by name elsewhere (Settings.CheckAtStart).
            _remembered = [];
        }
    }

    public static IReadOnlyList<NamedDatabase> Remembered => _remembered;

    /// <summary>
    /// The databases the error names, by the host:port of its text ("Failed to connect to 127.0.0.1:5472";
    /// one, or more when several databases share a server), else by the database's name in quotes
    /// (3D000: database "crm1" does not exist); none when the error does not say where.
    /// </summary>
    public static IReadOnlyList<NamedDatabase> NamedBy(Exception exception, IReadOnlyList<NamedDatabase> databases)
    {
        var text = string.Join(" ", DatabaseFaults.Chain(exception).Select(e => e.Message));
        var byAddress = databases.Where(d => EndsThere(text, d.Address)).ToList();
        return byAddress.Count > 0
            ? byAddress
            : databases.Where(d => d.DatabaseName is { Length: > 0 } name && text.Contains($"\"{name}\"", StringComparison.Ordinal)).ToList();
    }

    /// <summary>"host:5432" is not named by "host:54320".</summary>
    private static bool EndsThere(string text, string address)
    {
        for (var at = text.IndexOf(address, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(address, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            var next = at + address.Length;
            if (next == text.Length || !char.IsAsciiDigit(text[next])) return true;
        }
        return false;
    }

    /// <summary>
    /// How a line names what it could not reach: "database db1 of Tenancy:Databases (127.0.0.1:5472)", or
    /// "databases db0 and db1 of ..." when several are out (or share the server an error names: all of it is out); null when nothing says which.
    /// </summary>
    public static string? Describe(IReadOnlyList<NamedDatabase> named) => named switch
    {
        [] => null,
        [var one] => one.ToString(),
        [_, _, ..] when named.All(d => d.OneOfSeveral) =>
            $"databases {string.Join(" and ", named.Select(d => d.Id))} of {TenancySettings.Section} ({string.Join(", ", named.Select(d => d.Address).Distinct())})",
        _ => named[0].ToString(),
    };

    private static string? NameOf(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Database;

    public static string AddressOf(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var host = builder.Host is { Length: > 0 } h ? h.Split(',')[0] : "localhost";
        return $"{host}:{builder.Port}";
    }
}
