using Microsoft.AspNetCore.Authorization;
using System.Diagnostics;
using EventCrm.Host.Infrastructure;
using Marten;
using Wolverine.Http;

namespace EventCrm.Host.Health;

public sealed record HealthView(string Status, DatabaseHealth Database);

public sealed record DatabaseHealth(string Status, double LatencyMs);

public static class GetHealthEndpoint
{
    /// <summary>Healthy when every database answers within a few seconds; 503 otherwise, so a load balancer moves on.</summary>
    [WolverineGet("/health"), AllowAnonymous]
    [Answers(200, "The service and its database answer.", Body = typeof(HealthView))]
    [Answers(503, "The database did not answer within 3 seconds, or every connection of this node's pool is in use; retry after Retry-After seconds.")]
    public static async Task<IResult> Get(IDocumentStore store, HttpResponse response, ILoggerFactory loggers, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var (verdict, error) = await HealthProbe.AskAsync(store, ct);
        if (verdict == HealthVerdict.Healthy)
            return Results.Ok(new HealthView("healthy", new DatabaseHealth("reachable", watch.Elapsed.TotalMilliseconds)));

        response.Headers.RetryAfter = Reliability.DatabaseFaults.RetryAfterSeconds.ToString();
        // Anyone may ask: the database's own words (its host, a user name) go to the log only. While the
        // database is out, the log holds this back with the others (docs/reliability.md), its silence included.
        // A full pool is no outage: one line per probe, without the exception, says so.
        loggers.CreateLogger(typeof(GetHealthEndpoint)).LogWarning(verdict == HealthVerdict.PoolFull ? null : error, verdict == HealthVerdict.PoolFull
            ? "Health check: the database answers, but no connection of the pool came free"
            : "Health check: the database did not answer");
        return verdict == HealthVerdict.PoolFull
            ? Results.Problem("The database answers, but every database connection of this node is in use (its pool is full): it cannot " +
                "serve what needs the database until one is free.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service busy")
            : Problems.Unavailable("The database did not answer; the service's log says why.");
    }
}
