using EventCrm.Host.Infrastructure;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using EventCrm.Relationship;

namespace EventCrm.Host.Access;

/// <param name="Groups">The endpoint groups the key may use (<see cref="Policies"/>): a page offers only what the key can do.</param>
public sealed record CallerView(string Id, string Name, [property: Words(typeof(Roles))] IReadOnlyList<string> Roles, [property: Words(typeof(Policies))] IReadOnlyList<string> Groups);

public static class GetCallerEndpoint
{
    /// <summary>The key making the call, for any key.</summary>
    [WolverineGet("/api/keys/me"), Authorize]
    [Answers(200, "The calling key and the endpoint groups it may use.")]
    public static CallerView Get(ClaimsPrincipal caller)
    {
        var roles = caller.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList();
        var groups = Policies.RolesFor.Where(p => roles.Contains(Roles.Admin) || p.Value.Any(roles.Contains)).Select(p => p.Key).Order().ToList();
        return new CallerView(caller.FindFirstValue(ClaimTypes.NameIdentifier)!, caller.FindFirstValue(ClaimTypes.Name)!, roles, groups);
    }
}
