using EventCrm.Host.Infrastructure;
using EventCrm.Host.Access;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace EventCrm.Host.Audit;

public static class GetLogAuditEndpoint
{
    /// <summary>Every customer's hash chain against its seals, in every database: <c>audit-verify</c> over HTTP (a second or so per 100,000 events).</summary>
    [WolverineGet("/api/audit/verify"), Authorize(Policy = Policies.Audit)]
    [Answers(200, "Every stream's hash chain, recomputed and compared with its seals.", Body = typeof(LogAuditReport))]
    [Answers(503, "The database is unavailable, or Audit:MaxConcurrentVerifications verifications are running on this node: ask again after Retry-After seconds; nothing was read.")]
    public static async Task<IResult> Get(LogAudit audit, AuditVerificationSlots slots, HttpResponse response, CancellationToken ct)
    {
        using var slot = slots.TryTake();
        if (slot is null) return Busy(response, slots.Max);
        return Results.Ok(await audit.VerifyAsync(null, ct));
    }

    private static IResult Busy(HttpResponse response, int running)
    {
        response.Headers.RetryAfter = AuditVerificationSlots.RetryAfterSeconds.ToString();
        return Results.Problem(
            $"{(running == 1 ? "A verification of the whole log is" : $"{running} verifications of the whole log are")} running, the most this service runs at once " +
            $"({AuditVerificationSlots.MaxConcurrentKey}): each recomputes every stream's hash chain. Ask again in {AuditVerificationSlots.RetryAfterSeconds} seconds, " +
            "or verify with the audit-verify command.",
            statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service busy");
    }
}
