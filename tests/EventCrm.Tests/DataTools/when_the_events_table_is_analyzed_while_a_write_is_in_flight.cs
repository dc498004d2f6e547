using EventCrm.Host.Infrastructure;
using EventCrm.Host.Touchpoints;
using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;

namespace EventCrm.Tests.DataTools;

/// <summary>A schema new to every test process, apart from the one of when_the_event_log_grows_fast: its first analysis is the scenario.</summary>
public sealed class InFlightStatisticsHost() : SchemaHost(SchemaName)
{
    private static readonly string SchemaName = $"eventcrm_statistics_in_flight_{Environment.ProcessId}";

    protected override Task AfterStopAsync() => DataCommandLine.DropSchema(SchemaName);
}

/// <summary>
/// The table's size counts rows not yet committed: the Host can analyze it while a write of
/// thousands of rows is in flight and find no live row, which leaves the planner no statistics and
/// a table it believes empty. From there, waiting for the table to double since that analysis
/// could outlast the whole burst (EventTableStatistics, EventTableSize).
/// </summary>
public class when_the_events_table_is_analyzed_while_a_write_is_in_flight(InFlightStatisticsHost app) : IClassFixture<InFlightStatisticsHost>
{
    private readonly EventsTableProbe _table = new(app.Schema);

    [Fact]
    public async Task the_host_analyzes_it_again_once_rows_are_committed_though_it_has_not_doubled()
    {
        // Autovacuum would analyze on its own schedule: only the Host's analyses are to count.
        await _table.Sql($"alter table {app.Schema}.mt_events set (autovacuum_enabled = false)");
        var before = await _table.ManualAnalyses();

        // 10,000 rows of about 540 bytes, some 670 pages (past MinimumPages' 500), held uncommitted.
        // Negative sequence numbers take nothing from the sequence the appends number with.
        await using (var inFlight = await EventsTableProbe.OpenAsync())
        await using (var write = await inFlight.BeginTransactionAsync())
        {
            var stream = $"in-flight-{Guid.NewGuid():N}";
            await ExecuteAsync(inFlight, $"insert into {app.Schema}.mt_streams (id, version) values (@stream, 10000)", stream);
            await ExecuteAsync(inFlight, $"insert into {app.Schema}.mt_events (seq_id, id, stream_id, version, data, type) " +
                                         "select -g, gen_random_uuid(), @stream, g, jsonb_build_object('pad', repeat('x', 400)), 'in_flight' " +
                                         "from generate_series(1, 10000) g", stream);
            (await _table.Pages()).ShouldBeGreaterThanOrEqualTo(EventTableStatistics.MinimumPages);

            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (await _table.ManualAnalyses() == before && waited.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(250);
            (await _table.ManualAnalyses()).ShouldBeGreaterThan(before, "no ANALYZE of mt_events within 30 s of the write");
            // It found no live row: no statistics, and the table's pages recorded as analyzed.
            (await _table.PlannedColumns()).ShouldBeNull();
            await write.RollbackAsync();
        }
        var analyzedPages = await _table.AnalyzedPages();
        analyzedPages.ShouldBeGreaterThanOrEqualTo((int)EventTableStatistics.MinimumPages);

        // 2,000 signups committed: some 135 pages more, far from twice the pages analyzed.
        var appender = app.Host.Services.GetRequiredService<TouchpointAppender>();
        var context = new AppendContext("test", $"after-{Guid.NewGuid():N}", "after");
        for (var array = 0; array < 2; array++)
            (await appender.AppendAsync(Signups(1000), context, default)).Appended.ShouldBe(1000);
        (await _table.Pages()).ShouldBeLessThan(2L * analyzedPages);

        // The committed rows reach PostgreSQL's counters when their sessions flush them, seconds on.
        var since = System.Diagnostics.Stopwatch.StartNew();
        while (await _table.PlannedColumns() != EventsTableProbe.AllPlannedColumns && since.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(250);
        (await _table.PlannedColumns()).ShouldBe(EventsTableProbe.AllPlannedColumns,
            $"no statistics on mt_events within 60 s of 2,000 committed events (pages now, pages and rows at the last analysis: {await _table.Sizes()})");
    }

    private static List<IncomingTouchpoint> Signups(int count)
    {
        var signedUpAt = new DateTimeOffset(2024, 5, 1, 9, 0, 0, TimeSpan.Zero);
        return Enumerable.Range(0, count).Select(i => new IncomingTouchpoint(i, Ids.Customer(),
            new SignedUp($"after-{Guid.NewGuid():N}", signedUpAt, "Ada Lovelace", "ada@example.com", "smb", "web", 10m))).ToList();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, string stream)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("stream", stream);
        await command.ExecuteNonQueryAsync();
    }
}
