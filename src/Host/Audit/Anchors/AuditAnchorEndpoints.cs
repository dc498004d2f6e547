using EventCrm.Host.Access;
using EventCrm.Host.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace EventCrm.Host.Audit.Anchors;

public static class GetAuditAnchorEndpoint
{
    /// <summary>The digest of every seal so far, in each database: to be kept outside the database.</summary>
    [WolverineGet("/api/audit/anchor"), Authorize(Policy = Policies.Audit)]
    [Answers(200, "A digest of the seals of every database, to keep outside it.", Body = typeof(AuditAnchor))]
    public static async Task<IResult> Get(SealDigests digests, CancellationToken ct) => Results.Ok(await digests.TakeAsync(ct));
}

public static class VerifyAuditAnchorEndpoint
{
    /// <summary>The seals an anchor covers, as they are now, against its digests: 200 with <c>valid</c> false when any changed.</summary>
    [WolverinePost("/api/audit/anchor/verify"), Authorize(Policy = Policies.Audit)]
    [Answers(200, "Whether the seals still match the anchor, database by database.", Body = typeof(AnchorCheck))]
    [Answers(400, "An anchor that does not read: a missing or malformed field, a field it does not have, a value of the wrong kind; errors names it.")]
    [Answers(422, "The anchor names a database this log does not have.")]
    public static async Task<IResult> Post(HttpRequest http, SealDigests digests, CancellationToken ct)
    {
        var (request, refused) = await AnchorToVerify.ReadAsync(http, ct);
        if (request is null) return refused!;
        if (request.Read(out var anchor) is { Count: > 0 } errors) return Problems.Invalid("The anchor is incomplete or malformed.", errors);
        if (digests.Unknown(anchor) is { } unknown) return Problems.Unprocessable(unknown, "Unknown database", digests.UnknownByKey(anchor));
        return Results.Ok(await digests.VerifyAsync(anchor, ct));
    }
}
