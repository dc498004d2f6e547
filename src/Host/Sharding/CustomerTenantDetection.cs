using Wolverine.Http.Runtime.MultiTenancy;

namespace EventCrm.Host.Sharding;

/// <summary>
/// Opens the sessions Wolverine injects into <c>/api/customers/{id}/...</c> endpoints in that
/// customer's database. Other routes get no tenant, hence Marten's default: the home database,
/// as do all routes when customers are not spread over several databases.
/// </summary>
public sealed class CustomerTenantDetection(CustomerDatabases databases) : ITenantDetection
{
    private const string CustomerRoutePrefix = "/api/customers/{id}";

    public ValueTask<string?> DetectTenant(HttpContext context) =>
        ValueTask.FromResult(databases.Sharded
                             && context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } pattern }
                             && pattern.StartsWith(CustomerRoutePrefix, StringComparison.Ordinal)
                             && context.Request.RouteValues["id"] is string id
            ? databases.TenantOf(id)
            : null);
}
