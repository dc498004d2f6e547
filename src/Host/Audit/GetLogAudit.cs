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
    public static async Task<IResult> Get(LogAudit audit, CancellationToken ct) => Results.Ok(await audit.VerifyAsync(null, ct));
}
