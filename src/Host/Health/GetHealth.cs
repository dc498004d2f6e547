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
    [Answers(503, "The database did not answer within 3 seconds; retry after Retry-After seconds.")]
    public static async Task<IResult> Get(IDocumentStore store, HttpResponse response, ILoggerFactory loggers, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            await DatabasePing.EveryDatabase(store, DatabasePing.Patience, ct);
            return Results.Ok(new HealthView("healthy", new DatabaseHealth("reachable", watch.Elapsed.TotalMilliseconds)));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            response.Headers.RetryAfter = Reliability.DatabaseFaults.RetryAfterSeconds.ToString();
            // Anyone may ask: the database's own words (its host, a user name) go to the log only. While the
            // database is out, the log holds this back with the others (docs/reliability.md), its silence included.
            loggers.CreateLogger(typeof(GetHealthEndpoint)).LogWarning(e, "Health check: the database did not answer");
            return Problems.Unavailable("The database did not answer; the service's log says why.");
        }
    }
}
