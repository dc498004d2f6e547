using EventCrm.Host.Infrastructure;
using EventCrm.Host.Access;
using EventCrm.Host.Customers;
using EventCrm.Projections.Audit;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace EventCrm.Host.Audit;

public sealed record AuditView(string CustomerId, bool Valid, int Checked, int Unsealed, AuditMismatch? FirstMismatch);

public static class GetCustomerAuditEndpoint
{
    /// <summary>Recomputes the customer's hash chain from the stored events and compares it with the seals.</summary>
    [WolverineGet("/api/customers/{id}/audit"), Authorize(Policy = Policies.Audit)]
    [Answers(200, "The customer's hash chain, recomputed and compared with its seals.", Body = typeof(AuditView))]
    [Answers(404, "An unknown customer.")]
    public static async Task<IResult> Get(string id, StreamAudit audit, CancellationToken ct) =>
        await audit.VerifyAsync(id, ct) is { } report
            ? Results.Ok(new AuditView(id, report.Valid, report.Checked, report.Unsealed, report.FirstMismatch))
            : GetCustomerEndpoint.UnknownCustomer(id);
}
