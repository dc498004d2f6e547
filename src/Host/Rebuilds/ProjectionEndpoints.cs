using EventCrm.Host.Access;
using EventCrm.Host.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace EventCrm.Host.Rebuilds;

public static class GetProjectionsEndpoint
{
    /// <summary>
    /// Every projection with its state, position and the high-water mark. With a database of several out of reach,
    /// the others' progress still, and that one named as left out: the databases are asked once, not once per projection.
    /// </summary>
    [WolverineGet("/api/projections"), Authorize(Policy = Policies.Projections)]
    [Answers(200, "Every projection's status; with a database of several out of reach, each names it in databasesOut.")]
    public static async Task<IReadOnlyList<ProjectionStatusView>> Get(ProjectionCatalog catalog, ProjectionStatusReader status, CancellationToken ct)
    {
        var outOfReach = await status.OutOfReachAsync(ct);
        var views = new List<ProjectionStatusView>();
        foreach (var projection in catalog.All) views.Add(await status.ReadAsync(projection, outOfReach, ct));
        return views;
    }
}

public static class GetProjectionEndpoint
{
    [WolverineGet("/api/projections/{name}"), Authorize(Policy = Policies.Projections)]
    [Answers(200, "The projection's status and its last rebuild.", Body = typeof(ProjectionStatusView))]
    [Answers(404, "An unknown projection.")]
    public static async Task<IResult> Get(string name, ProjectionCatalog catalog, ProjectionStatusReader status, CancellationToken ct) =>
        catalog.Find(name) is { } projection
            ? Results.Ok(await status.ReadAsync(projection, ct))
            : Problems.NotFound($"No projection '{name}'. Projections: {catalog.Names}.");
}

public static class RebuildProjectionEndpoint
{
    /// <summary>
    /// Starts rebuilding a projection in the background: 202 with the status resource. An async
    /// projection's new build is written beside the live documents, which keep serving reads until
    /// it takes over; the inline profiles are rebuilt in place, customer by customer.
    /// </summary>
    [WolverinePost("/api/projections/{name}/rebuild"), Authorize(Policy = Policies.Projections), TakesNoBody]
    [Answers(202, "The rebuild was started in the background; the body is the projection's status.", Body = typeof(ProjectionStatusView), Location = "the projection's status: /api/projections/{name}")]
    [Answers(404, "An unknown projection.")]
    [Answers(409, "A rebuild is already running, another node runs the projection, or this node runs no daemon.")]
    [Answers(422, "An async projection with no side build registered, or that publishes no document type; nothing was touched.")]
    public static async Task<IResult> Post(string name, ProjectionCatalog catalog, ProjectionRebuilds rebuilds, ProjectionStatusReader status,
        CancellationToken ct)
    {
        if (catalog.Find(name) is not { } projection)
            return Problems.NotFound($"No projection '{name}'. Projections: {catalog.Names}.");
        if (!projection.IsInline && SideBuilds.CannotBuild(projection) is { } cannot)
            return Problems.Unprocessable(cannot, "Cannot be rebuilt online");

        return await rebuilds.StartAsync(projection, ct) switch
        {
            RebuildStart.AlreadyRebuilding => Problems.Conflict($"'{projection.Name}' is already being rebuilt (GET /api/projections/{projection.Name} follows it)."),
            RebuildStart.NotRunHere => Problems.Conflict(NotRunHere(projection, status.ThisNode, (await status.ReadAsync(projection, ct)).DaemonHeldBy)),
            RebuildStart.NoDaemonHere => Problems.Conflict($"This node runs no async projection (Marten:Daemon=off), so it cannot rebuild '{projection.Name}': " +
                "send the request to a node that runs the daemon."),
            _ => Results.Accepted($"/api/projections/{projection.Name}", await status.ReadAsync(projection, ct)),
        };
    }

    /// <summary>Names the node to send the request to (changed 2026-12-07): the one that holds the lock, as its sessions name it.</summary>
    private static string NotRunHere(ProjectionInfo projection, string thisNode, string? heldBy) => heldBy is null
        ? $"This node ({thisNode}) does not run '{projection.Name}' and no node holds its lock yet: this node or another has only just started " +
          "(retry in a few seconds)."
        : $"This node ({thisNode}) does not run '{projection.Name}' in every database: {heldBy} holds its lock (send the request to that node; " +
          "it runs its own code, so deploy the new code there first, docs/projections.md section 4).";
}
