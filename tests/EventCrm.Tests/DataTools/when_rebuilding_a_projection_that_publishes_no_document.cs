using Alba;
using EventCrm.Host.Rebuilds;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Tests.Support;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

/// <summary>How many touchpoints a customer has: the document of <see cref="VisitTotalsProjection"/>.</summary>
public sealed record VisitTotal(string Id, int Touchpoints);

/// <summary>
/// A custom projection as a data team might write it, forgetting RegisterPublishedType: it writes
/// <see cref="VisitTotal"/> documents but publishes no document type.
/// </summary>
public sealed class VisitTotalsProjection : ProjectionBase, IProjection
{
    public const string ProjectionName = "VisitTotals";

    public VisitTotalsProjection() => Name = ProjectionName;

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var touchpoints = events.Where(e => e.Data is ITouchpoint && e.StreamKey is not null).GroupBy(e => e.StreamKey!).ToList();
        var known = (await operations.LoadManyAsync<VisitTotal>(cancellation, touchpoints.Select(g => g.Key).ToArray())).ToDictionary(v => v.Id);
        foreach (var customer in touchpoints)
            operations.Store(new VisitTotal(customer.Key, (known.GetValueOrDefault(customer.Key)?.Touchpoints ?? 0) + customer.Count()));
    }
}

/// <summary>Two customers, V1 with three touchpoints and V2 with one, and VisitTotals registered beside the Host's projections, with a side build line.</summary>
public sealed class VisitTotalsHost : IAsyncLifetime
{
    public static readonly string SchemaName = $"eventcrm_visits_{Environment.ProcessId}";

    public IAlbaHost Host { get; private set; } = null!;
    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    public async ValueTask InitializeAsync()
    {
        SideBuilds.Add(VisitTotalsProjection.ProjectionName, (opts, name) => opts.Projections.Add(new VisitTotalsProjection { Name = name }, ProjectionLifecycle.Async));
        Host = await AppFixture.StartHost(SchemaName, services => services.ConfigureMarten(opts =>
        {
            opts.Schema.For<VisitTotal>();
            opts.Projections.Add(new VisitTotalsProjection(), ProjectionLifecycle.Async);
        }));
        await Host.ResetAllData();
        await Host.PostTouchpoints(new[]
        {
            SignUp("V1", Jan1), Purchase("V1", Jan1.AddDays(1)), Purchase("V1", Jan1.AddDays(2)),
            SignUp("V2", Jan1),
        });
        await Store.CatchUp();
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is null) return;
        await Host.StopAsync();
        await Host.DisposeAsync();
        await DataCommandLine.DropSchema(SchemaName);
    }
}

public class when_rebuilding_a_projection_that_publishes_no_document(VisitTotalsHost app) : IClassFixture<VisitTotalsHost>
{
    private async Task<int[]> Totals()
    {
        await using var session = app.Store.QuerySession();
        return (await session.Query<VisitTotal>().ToListAsync()).OrderBy(v => v.Id).Select(v => v.Touchpoints).ToArray();
    }

    private static Task<long> Progress(string shard) =>
        DataCommandLine.Count($"select coalesce(max(last_seq_id), -1) from {VisitTotalsHost.SchemaName}.mt_event_progression where name = '{shard}'");

    [Fact]
    public async Task the_rebuild_is_refused_naming_register_published_type_and_nothing_is_touched()
    {
        (await Totals()).ShouldBe([3, 1]);
        var livePosition = await Progress("VisitTotals:All");

        var refused = await app.Host.PostJson("/api/projections/VisitTotals/rebuild", new { }, 422);

        refused["detail"]!.GetValue<string>().ShouldContain("RegisterPublishedType");
        (await Progress("VisitTotals:All")).ShouldBe(livePosition);
        (await Progress("VisitTotals-next:All")).ShouldBe(-1, "no new build was started");
        (await DataCommandLine.Count($"select count(*) from pg_namespace where nspname = '{VisitTotalsHost.SchemaName}_next_visittotals'")).ShouldBe(0);
        (await app.Host.GetJson("/api/projections/VisitTotals"))["lastRebuild"].ShouldBeNull();
        (await Totals()).ShouldBe([3, 1]);
    }
}
