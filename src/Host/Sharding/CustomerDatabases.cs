using JasperFx;
using Marten;
using Marten.Storage;

namespace EventCrm.Host.Sharding;

/// <summary>
/// The one place that knows where a customer's events and documents live. In single-database
/// mode every customer is in Marten's default tenant; with <c>Tenancy:Databases</c> each customer
/// is in the database <see cref="CustomerShardRule"/> picks, and what belongs to no customer is in
/// the home database (Marten's default tenant there too).
/// </summary>
public sealed class CustomerDatabases(IDocumentStore store, TenancySettings settings)
{
    public IReadOnlyList<string> TenantIds { get; } = settings.Sharded
        ? Enumerable.Range(0, settings.Databases.Count).Select(TenancySettings.TenantIdOf).ToList()
        : [StorageConstants.DefaultTenantId];

    public bool Sharded => settings.Sharded;

    /// <summary>How reports name the databases: "default" with one, else by their place in <c>Tenancy:Databases</c> ("db0", "db1", ...).</summary>
    public IReadOnlyList<string> Names => Sharded ? TenantIds : [SingleName];

    public const string SingleName = "default";

    /// <summary>The home database's tenant: what belongs to no customer (formulas, models, keys) lives there.</summary>
    public string HomeTenantId => TenantIds[0];

    public string TenantOf(string customerId) =>
        settings.Sharded ? TenancySettings.TenantIdOf(CustomerShardRule.DatabaseOf(customerId, settings.Databases.Count)) : StorageConstants.DefaultTenantId;

    public IQuerySession QueryFor(string customerId) => store.QuerySession(TenantOf(customerId));

    public IDocumentSession SessionFor(string customerId) => store.LightweightSession(TenantOf(customerId));

    public IDocumentSession SessionIn(string tenantId) => store.LightweightSession(tenantId);

    public IQuerySession QueryIn(string tenantId) => store.QuerySession(tenantId);

    public async ValueTask<IMartenDatabase> DatabaseIn(string tenantId) =>
        settings.Sharded ? await store.Storage.FindOrCreateDatabase(tenantId) : store.Storage.Database;

    public ValueTask<IMartenDatabase> DatabaseOf(string customerId) => DatabaseIn(TenantOf(customerId));

    /// <summary>Runs a read in every database, in parallel, and returns the answers in database order.</summary>
    public async Task<IReadOnlyList<T>> InEachAsync<T>(Func<IQuerySession, Task<T>> read)
    {
        return await Task.WhenAll(TenantIds.Select(async tenant =>
        {
            await using var session = store.QuerySession(tenant);
            return await read(session);
        }));
    }

    /// <summary>Every database, in order, for work that needs a raw connection.</summary>
    public async Task<IReadOnlyList<IMartenDatabase>> AllAsync()
    {
        var all = new List<IMartenDatabase>();
        foreach (var tenant in TenantIds) all.Add(await DatabaseIn(tenant));
        return all;
    }
}
