using Alba;
using EventCrm.Host.Rebuilds;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Tests.Support;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;
using Microsoft.Extensions.DependencyInjection;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

/// <summary>A customer's visits in one month (UTC of the visit's business time).</summary>
public sealed record VisitMonth(string Id, int Visits, decimal Cost);

/// <summary>
/// Visits per customer and month, as a data team writes it from docs/projections.md: a
/// multi-stream projection whose key comes from the event's metadata (the stream key), since a
/// visit does not name its customer.
/// </summary>
public partial class VisitMonthsProjection : MultiStreamProjection<VisitMonth, string>
{
    public const string ProjectionName = "VisitMonths";

    public VisitMonthsProjection()
    {
        Name = ProjectionName;
        Identity<IEvent<VisitMade>>(e => KeyOf(e));
    }

    private static string KeyOf(IEvent<VisitMade> e) => $"{e.StreamKey}|{e.Data.OccurredAt.UtcDateTime:yyyy-MM}";

    public static VisitMonth Create(IEvent<VisitMade> e) => new(KeyOf(e), 1, e.Data.Cost);

    public VisitMonth Apply(VisitMade e, VisitMonth month) => month with { Visits = month.Visits + 1, Cost = month.Cost + e.Cost };
}

/// <summary>
/// VisitMonths registered beside the Host's projections, with a side build line that forgets to
/// register it under the name it is given. The base:
///
/// | customer | visit (occurredAt)          | month (UTC) | cost |
/// |----------|-----------------------------|-------------|------|
/// | M1       | 2025-01-10T10:00:00Z        | 2025-01     | 40   |
/// | M1       | 2025-01-20T10:00:00Z        | 2025-01     | 15   |
/// | M1       | 2025-02-01T00:30:00+01:00   | 2025-01     | 5    |
/// | M1       | 2025-02-03T10:00:00Z        | 2025-02     | 10   |
/// | M2       | 2025-01-11T10:00:00Z        | 2025-01     | 20   |
/// </summary>
public sealed class VisitMonthsHost : IAsyncLifetime
{
    // Per test process: developers share one database, and a second run must not reset this one's base.
    public static readonly string SchemaName = $"eventcrm_visit_months_{Environment.ProcessId}";

    public IAlbaHost Host { get; private set; } = null!;
    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    public async ValueTask InitializeAsync()
    {
        // The mistake: `new VisitMonthsProjection()`, where `new VisitMonthsProjection { Name = name }` was meant.
        SideBuilds.Add(VisitMonthsProjection.ProjectionName, (opts, _) => opts.Projections.Add(new VisitMonthsProjection(), ProjectionLifecycle.Async));
        Host = await AppFixture.StartHost(SchemaName, services => services.ConfigureMarten(opts =>
        {
            opts.Schema.For<VisitMonth>();
            opts.Projections.Add(new VisitMonthsProjection(), ProjectionLifecycle.Async);
        }));
        await Host.ResetAllData();
        await Host.PostTouchpoints(new object[]
        {
            SignUp("M1", Jan1), SignUp("M2", Jan1),
            Visit("M1", "2025-01-10T10:00:00Z", 40m), Visit("M1", "2025-01-20T10:00:00Z", 15m),
            Visit("M1", "2025-02-01T00:30:00+01:00", 5m), Visit("M1", "2025-02-03T10:00:00Z", 10m),
            Visit("M2", "2025-01-11T10:00:00Z", 20m),
        });
        await Store.CatchUp();
    }

    private static object Visit(string customer, string occurredAt, decimal cost) =>
        new { type = "visit", touchpointId = $"visit-{customer}-{occurredAt}", customerId = customer, occurredAt, cost, purpose = (string?)null };

    public async ValueTask DisposeAsync()
    {
        if (Host is null) return;
        await Host.StopAsync();
        await Host.DisposeAsync();
        await DataCommandLine.DropSchema(SchemaName);
    }
}
