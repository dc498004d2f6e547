using EventCrm.Host.Reliability;
using Marten;

namespace EventCrm.Host.Sharding;

/// <summary>
/// <c>Tenancy:Databases</c>: the connection strings of the databases customers are spread over,
/// the first one being the home database (keys, formulas, models, replays, Wolverine's envelopes).
/// Absent: one database, <c>ConnectionStrings:EventCrm</c>.
/// </summary>
public sealed record TenancySettings(IReadOnlyList<string> Databases)
{
    public const string Section = "Tenancy:Databases";

    public bool Sharded => Databases.Count > 0;

    public static string TenantIdOf(int database) => $"db{database}";

    public static TenancySettings From(IConfiguration configuration) =>
        new(configuration.GetSection(Section).GetChildren()
            .OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue)
            .Select(c => c.Value).OfType<string>().Where(v => v.Length > 0).ToList());

    /// <summary>
    /// One Marten tenant per database. The first one registered is also Marten's default tenant,
    /// and sessions opened without a tenant are allowed again (Marten forbids them once databases
    /// are multiple): what belongs to no customer lives in the home database and is reached that way.
    /// </summary>
    public void ApplyTo(StoreOptions opts)
    {
        opts.MultiTenantedDatabases(tenancy =>
        {
            for (var i = 0; i < Databases.Count; i++)
                tenancy.AddSingleTenantDatabase(Infrastructure.HostConnections.Prepare(Databases[i]), TenantIdOf(i));
        });
        opts.Advanced.DefaultTenantUsageEnabled = true;
    }
}
