using EventCrm.Host.Touchpoints;
using EventCrm.Relationship.Ingestion;
using EventCrm.Relationship.Touchpoints;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
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
    private async Task<long> ManualAnalyses() => (long)(await Sql(
        "select analyze_count from pg_stat_user_tables where schemaname = @s and relname = 'mt_events'"))!;

    private async Task<object?> Sql(string sql)
    {
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ConnectionStrings__EventCrm"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("s", app.Schema);
        return await command.ExecuteScalarAsync();
    }

    [Fact]
    public async Task the_host_analyzes_the_events_table_within_seconds_of_a_burst()
    {
        // Autovacuum's own analysis would reset the count of changes the Host watches.
        await Sql($"alter table {app.Schema}.mt_events set (autovacuum_enabled = false)");
        var before = await ManualAnalyses();
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
        while (await PlannedColumns() != "id,seq_id,stream_id,version" && waited.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(250);

        var statistics = await Sql("select concat_ws(', ', pg_relation_size(c.oid) / 8192, c.relpages) from pg_class c " +
                                   "join pg_namespace n on n.oid = c.relnamespace where n.nspname = @s and c.relname = 'mt_events'");
        (await ManualAnalyses()).ShouldBeGreaterThan(before, $"no ANALYZE of mt_events within 30 s of the burst (pages now, pages at the last analysis: {statistics})");
        (await PlannedColumns()).ShouldBe("id,seq_id,stream_id,version");
    }

    /// <summary>Of the columns the daemon's pages and the stream and touchpoint reads are planned with, those pg_stats holds.</summary>
    private async Task<string?> PlannedColumns() => await Sql(
        "select string_agg(attname::text, ',' order by attname) from pg_stats where schemaname = @s and tablename = 'mt_events' " +
        "and attname in ('seq_id', 'id', 'stream_id', 'version')") as string;
}
