using EventCrm.Host.Infrastructure;
using EventCrm.Host.Access;
using EventCrm.Host.Customers;
using EventCrm.Projections.Audit;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace EventCrm.Host.Audit;

/// <param name="Database">The database that holds the customer's stream (the one its id routes to): "default" with one database, else its place
/// in <c>Tenancy:Databases</c>. The <c>sequence</c> of <paramref name="Erasures"/> is numbered there; each mismatch names its own database.</param>
/// <param name="Valid">The customer's stream and every stream of <paramref name="DependsOn"/> intact.</param>
/// <param name="Checked">Of the customer's own stream, as <paramref name="Unsealed"/>, <paramref name="FirstMismatch"/>,
/// <paramref name="Mismatches"/> and <paramref name="MismatchCount"/>.</param>
/// <param name="Mismatches">Every mismatch of the customer's stream, in stream order (the first 100), each at its own event:
/// <paramref name="FirstMismatch"/> first; then any stream of the customer held by a database its id does not route to, each its own mismatch.</param>
/// <param name="MismatchCount">All of them, past those listed too.</param>
/// <param name="Erasures">The erasures of the customer's personal data its stream records (when, which fields), oldest first: the
/// fields they name read "[erased]" and verify by the hashes sealed before; none for a customer never erased.</param>
/// <param name="DatabasesOut">The other databases of <c>Tenancy:Databases</c> that could not be asked whether they hold a stream of the customer,
/// being out of reach: null when every one answered, and over one database.</param>
public sealed record AuditView(string CustomerId, string Database, bool Valid, int Checked, int Unsealed, DatabaseMismatch? FirstMismatch,
    IReadOnlyList<DatabaseMismatch> Mismatches, int MismatchCount, IReadOnlyList<DependencyAudit> DependsOn, IReadOnlyList<AuditErasure> Erasures,
    IReadOnlyList<string>? DatabasesOut);

public static class GetCustomerAuditEndpoint
{
    /// <summary>Recomputes the customer's hash chain, and those of the formula registry and portfolio model its value uses, and compares them with the seals.</summary>
    [WolverineGet("/api/customers/{id}/audit"), Authorize(Policy = Policies.Audit)]
    [Answers(200, "The customer's hash chain and those of the streams its value depends on, recomputed and compared with their seals.", Body = typeof(AuditView))]
    [Answers(404, "An unknown customer.")]
    public static async Task<IResult> Get(string id, CustomerAudit audit, CancellationToken ct) =>
        // The service's own streams are checked in every customer's dependsOn, never as a customer.
        !SystemStreams.AreTheServices(id) && await audit.VerifyAsync(id, ct) is { } report
            ? Results.Ok(new AuditView(id, report.Database, report.Valid, report.Own.Checked, report.Own.Unsealed, report.Mismatches.FirstOrDefault(),
                report.Mismatches, report.MismatchCount, report.DependsOn, report.Own.Erasures, report.DatabasesOut))
            : GetCustomerEndpoint.UnknownCustomer(id);
}
