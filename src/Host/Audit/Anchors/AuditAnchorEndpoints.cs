using EventCrm.Host.Access;
using EventCrm.Host.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace EventCrm.Host.Audit.Anchors;

public static class GetAuditAnchorEndpoint
{
    /// <summary>The digest of every seal so far, in each database: to be kept outside the database.</summary>
    [WolverineGet("/api/audit/anchor"), Authorize(Policy = Policies.Audit)]
    public static async Task<IResult> Get(SealDigests digests, CancellationToken ct) => Results.Ok(await digests.TakeAsync(ct));
}

public static class VerifyAuditAnchorEndpoint
{
    /// <summary>The seals an anchor covers, as they are now, against its digests: 200 with <c>valid</c> false when any changed.</summary>
    [WolverinePost("/api/audit/anchor/verify"), Authorize(Policy = Policies.Audit)]
    public static async Task<IResult> Post(AnchorToVerify request, SealDigests digests, CancellationToken ct)
    {
        if (request.Read(out var anchor) is { Count: > 0 } errors) return Problems.Invalid("The anchor is incomplete or malformed.", errors);
        if (digests.Unknown(anchor) is { } unknown) return Problems.Unprocessable(unknown, "Unknown database");
        return Results.Ok(await digests.VerifyAsync(anchor, ct));
    }
}
