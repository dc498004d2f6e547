using EventCrm.Host.Infrastructure;
using EventCrm.Host.Sharding;
using EventCrm.Projections.Audit;

namespace EventCrm.Host.Audit;

/// <summary>A mismatch and the database whose sequence numbers it is given in: each database numbers its own events.</summary>
public sealed record DatabaseMismatch(long Sequence, long Version, string? TouchpointId, string Problem, string Database)
{
    public static DatabaseMismatch In(string database, AuditMismatch m) => new(m.Sequence, m.Version, m.TouchpointId, m.Problem, database);

    public static IReadOnlyList<DatabaseMismatch> In(string database, IEnumerable<AuditMismatch> mismatches) => mismatches.Select(m => In(database, m)).ToList();
}

/// <summary>A stream a customer's value is computed from, checked whole with the same chain check as the customer's.</summary>
/// <param name="Database">Where it is read: the home database.</param>
/// <param name="Mismatches">Every mismatch of the stream, in stream order (the first 100), <paramref name="FirstMismatch"/> first.</param>
/// <param name="MismatchCount">All of them, past those listed too.</param>
public sealed record DependencyAudit(string StreamId, string Database, bool Valid, int Checked, int Unsealed, DatabaseMismatch? FirstMismatch,
    IReadOnlyList<DatabaseMismatch> Mismatches, int MismatchCount);

/// <param name="Database">The database the customer's id routes to, which holds its stream.</param>
/// <param name="Own">The customer's own stream, in <paramref name="Database"/>.</param>
/// <param name="Mismatches">The own stream's mismatches (the first 100), then those of any stream of the customer held by a database its id does
/// not route to (<see cref="MisplacedStreams"/>): its place first, then its chain's.</param>
/// <param name="MismatchCount">All of them, past those listed too.</param>
/// <param name="DependsOn">Every stream of <see cref="CustomerAudit.ValueInputs"/>, in that order.</param>
/// <param name="DatabasesOut">The other databases that could not be asked whether they hold a stream of the customer (out of reach): null when
/// every one answered, and over one database.</param>
public sealed record CustomerAuditReport(string Database, AuditReport Own, IReadOnlyList<DatabaseMismatch> Mismatches, int MismatchCount,
    IReadOnlyList<DependencyAudit> DependsOn, IReadOnlyList<string>? DatabasesOut)
{
    /// <summary>Intact touchpoints valued with an altered formula or model prove nothing: all must hold.</summary>
    public bool Valid => MismatchCount == 0 && DependsOn.All(d => d.Valid);
}

/// <summary>
/// A customer's hash chain and the chains of the system streams every value of it depends on: the
/// formula registry (versions registered, versions put in force) and the portfolio model (the
/// refits). Those are a handful of events, so they are checked whole, whatever date a value is read at.
/// Over several databases, the others are asked too whether they hold a stream of the customer: none should.
/// </summary>
public sealed class CustomerAudit(StreamAudit audit, CustomerDatabases databases, MisplacedStreams misplaced)
{
    public static readonly IReadOnlyList<string> ValueInputs = [SystemStreams.FormulaRegistry, SystemStreams.PortfolioModel];

    /// <returns>Null for a stream that has neither events nor seals in any database (an unknown customer).</returns>
    public async Task<CustomerAuditReport?> VerifyAsync(string customerId, CancellationToken ct)
    {
        var routedTo = databases.TenantOf(customerId);
        var reports = await VerifyAsync([(routedTo, customerId), .. ValueInputs.Select(id => (databases.HomeTenantId, id))], ct);
        var (elsewhere, databasesOut) = await ElsewhereAsync(customerId, routedTo, ct);
        if (!reports.TryGetValue(customerId, out var own))
        {
            if (elsewhere.Count == 0) return null;
            // Only a stream written where the service never looks: the customer is unknown to it, but not to the log.
            own = new AuditReport(true, 0, 0, null, [], [], 0);
        }
        var name = databases.Sharded ? routedTo : CustomerDatabases.SingleName;
        var mismatches = DatabaseMismatch.In(name, own.Mismatches).Concat(elsewhere.SelectMany(e => e.Mismatches)).ToList();
        return new CustomerAuditReport(name, own, mismatches.Take(AuditVerification.MaxMismatchesListed).ToList(),
            own.MismatchCount + elsewhere.Sum(e => e.MismatchCount),
            ValueInputs.Select(id => reports.TryGetValue(id, out var report)
                ? new DependencyAudit(id, Home, report.Valid, report.Checked, report.Unsealed, Located(report.FirstMismatch), DatabaseMismatch.In(Home, report.Mismatches),
                    report.MismatchCount)
                // Nothing registered or fitted yet: the built-in formulas and default model, nothing stored to alter.
                : new DependencyAudit(id, Home, true, 0, 0, null, [], 0)).ToList(),
            databasesOut);
    }

    private string Home => databases.Sharded ? databases.HomeTenantId : CustomerDatabases.SingleName;

    private DatabaseMismatch? Located(AuditMismatch? m) => m is null ? null : DatabaseMismatch.In(Home, m);

    /// <summary>
    /// The customer's streams in the databases its id does not route to (none with one database): each a mismatch, with its chain's.
    /// A database out of reach is named, not waited for: a customer's audit answers while another database is out (docs/reliability.md).
    /// </summary>
    private async Task<(List<(IReadOnlyList<DatabaseMismatch> Mismatches, int MismatchCount)> Found, IReadOnlyList<string>? Out)> ElsewhereAsync(
        string customerId, string routedTo, CancellationToken ct)
    {
        var (found, unreachable) = (new List<(IReadOnlyList<DatabaseMismatch>, int)>(), new List<string>());
        if (!databases.Sharded) return (found, null);
        foreach (var tenant in databases.TenantIds.Where(t => t != routedTo))
        {
            try
            {
                await using var connection = await StreamAudit.OpenAsync(await databases.DatabaseIn(tenant), ct);
                if (!await audit.HoldsAsync(connection, customerId, ct)) continue;
                var place = await misplaced.MismatchAsync(connection, customerId, tenant, ct);
                var chain = (await audit.VerifyAsync(connection, [customerId], ct)).GetValueOrDefault(customerId);
                found.Add((DatabaseMismatch.In(tenant, [place, .. chain?.Mismatches ?? []]), 1 + (chain?.MismatchCount ?? 0)));
            }
            catch (Exception e) when (Reliability.DatabaseFaults.IsOutage(e) && !ct.IsCancellationRequested)
            {
                unreachable.Add(tenant);
            }
        }
        return (found, unreachable.Count == 0 ? null : unreachable);
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
