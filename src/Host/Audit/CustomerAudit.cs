using EventCrm.Host.Infrastructure;
using EventCrm.Host.Sharding;
using EventCrm.Projections.Audit;

namespace EventCrm.Host.Audit;

/// <summary>A stream a customer's value is computed from, checked whole with the same chain check as the customer's.</summary>
/// <param name="Mismatches">Every mismatch of the stream, in stream order (the first 100), <paramref name="FirstMismatch"/> first.</param>
/// <param name="MismatchCount">All of them, past those listed too.</param>
public sealed record DependencyAudit(string StreamId, bool Valid, int Checked, int Unsealed, AuditMismatch? FirstMismatch,
    IReadOnlyList<AuditMismatch> Mismatches, int MismatchCount);

/// <param name="Own">The customer's own stream.</param>
/// <param name="DependsOn">Every stream of <see cref="CustomerAudit.ValueInputs"/>, in that order.</param>
public sealed record CustomerAuditReport(AuditReport Own, IReadOnlyList<DependencyAudit> DependsOn)
{
    /// <summary>Intact touchpoints valued with an altered formula or model prove nothing: all must hold.</summary>
    public bool Valid => Own.Valid && DependsOn.All(d => d.Valid);
}

/// <summary>
/// A customer's hash chain and the chains of the system streams every value of it depends on: the
/// formula registry (versions registered, versions put in force) and the portfolio model (the
/// refits). Those are a handful of events, so they are checked whole, whatever date a value is read at.
/// </summary>
public sealed class CustomerAudit(StreamAudit audit, CustomerDatabases databases)
{
    public static readonly IReadOnlyList<string> ValueInputs = [SystemStreams.FormulaRegistry, SystemStreams.PortfolioModel];

    /// <returns>Null for a stream that has neither events nor seals (an unknown customer).</returns>
    public async Task<CustomerAuditReport?> VerifyAsync(string customerId, CancellationToken ct)
    {
        var reports = await VerifyAsync([(databases.TenantOf(customerId), customerId), .. ValueInputs.Select(id => (databases.HomeTenantId, id))], ct);
        if (!reports.TryGetValue(customerId, out var own)) return null;
        return new CustomerAuditReport(own, ValueInputs.Select(id => reports.TryGetValue(id, out var report)
            ? new DependencyAudit(id, report.Valid, report.Checked, report.Unsealed, report.FirstMismatch, report.Mismatches, report.MismatchCount)
            // Nothing registered or fitted yet: the built-in formulas and default model, nothing stored to alter.
            : new DependencyAudit(id, true, 0, 0, null, [], 0)).ToList());
    }

    /// <summary>One read (one snapshot) per database: with a single database, the customer and its inputs are seen at one moment.</summary>
    private async Task<Dictionary<string, AuditReport>> VerifyAsync(IEnumerable<(string Tenant, string StreamId)> streams, CancellationToken ct)
    {
        var reports = new Dictionary<string, AuditReport>();
        foreach (var inDatabase in streams.GroupBy(s => s.Tenant))
        {
            await using var connection = await StreamAudit.OpenAsync(await databases.DatabaseIn(inDatabase.Key), ct);
            foreach (var (id, report) in await audit.VerifyAsync(connection, inDatabase.Select(s => s.StreamId).Distinct().ToArray(), ct))
                reports.TryAdd(id, report);
        }
        return reports;
    }
}
