using EventCrm.Host.Touchpoints;
using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace EventCrm.Tests.DataTools;

/// <summary>A schema new to every test process: the table's size since its last analysis is what counts.</summary>
public sealed class StatisticsHost() : SchemaHost(SchemaName)
{
    private static readonly string SchemaName = $"eventcrm_statistics_{Environment.ProcessId}";

    protected override Task AfterStopAsync() => DataCommandLine.DropSchema(SchemaName);
}

/// <summary>
/// Autovacuum analyzes a table at most once a minute; until then the planner plans the async
/// daemon's page query as a scan of everything left. The Host analyzes the events table itself
/// once it has grown past a few thousand events, then each time it doubles (EventTableStatistics).
/// </summary>
public class when_the_event_log_grows_fast(StatisticsHost app) : IClassFixture<StatisticsHost>
{
    private readonly EventsTableProbe _table = new(app.Schema);

    [Fact]
    public async Task the_host_analyzes_the_events_table_within_seconds_of_a_burst()
    {
        // Autovacuum would analyze on its own schedule: only the Host's analyses are to count.
        await _table.Sql($"alter table {app.Schema}.mt_events set (autovacuum_enabled = false)");
        var before = await _table.ManualAnalyses();
        var appender = app.Host.Services.GetRequiredService<TouchpointAppender>();
        var context = new AppendContext("test", $"burst-{Guid.NewGuid():N}", "burst");
        var signedUpAt = new DateTimeOffset(2024, 5, 1, 9, 0, 0, TimeSpan.Zero);
        // Ten thousand signups: well over the few thousand events of EventTableStatistics.MinimumPages.
        for (var array = 0; array < 10; array++)
        {
            var signups = Enumerable.Range(0, 1000).Select(i => new IncomingTouchpoint(i, Ids.Customer(),
                new SignedUp($"burst-{Guid.NewGuid():N}", signedUpAt, "Grace Hopper", "grace@example.com", "smb", "web", 10m))).ToList();
            (await appender.AppendAsync(signups, context, default)).Appended.ShouldBe(1000);
        }

        // Waits for the statistics themselves: an ANALYZE counts itself in pg_stat_user_tables (and
        // writes relpages) before its transaction commits the rows of pg_stats, so a count risen
        // can still come with no statistics to read.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await _table.PlannedColumns() != EventsTableProbe.AllPlannedColumns && waited.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(250);

        var statistics = await _table.Sizes();
        (await _table.ManualAnalyses()).ShouldBeGreaterThan(before, $"no ANALYZE of mt_events within 30 s of the burst (pages now, pages and rows at the last analysis: {statistics})");
        (await _table.PlannedColumns()).ShouldBe(EventsTableProbe.AllPlannedColumns);
    }
}
