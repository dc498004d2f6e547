using System.Text.Json.Nodes;
using Alba;
using EventCrm.Tests.Support;
using Npgsql;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.DataTools;

/// <summary>A schema of its own, with Export:MaxConcurrent at 2: the exports held here must not refuse another test's.</summary>
public sealed class ExportSlotsHost() : SchemaHost("eventcrm_export_slots", ("Export:MaxConcurrent", "2"));

/// <summary>
/// An export over HTTP holds a pooled database connection for as long as its client reads, with no
/// command timeout. Seen before the bound: a hundred slow readers of GET /api/events took the whole
/// pool (100), and every other request of the node waited 3 s and was told the database was
/// unavailable. At most Export:MaxConcurrent exports now stream at once; one more is answered 503
/// "Service busy" with Retry-After before it asks the database anything, and a slot comes back when
/// its export ends. The exports are held by a lock the scenario takes on the events table, so no step
/// depends on timing.
/// </summary>
public class when_more_exports_arrive_than_the_service_streams_at_once(ExportSlotsHost app) : IClassFixture<ExportSlotsHost>
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private Task<IScenarioResult> Export(string customer, int status) => app.Host.Scenario(s =>
    {
        s.Get.Url($"/api/events?customerId={customer}");
        s.StatusCodeShouldBe(status);
    });

    [Fact]
    public async Task a_third_export_while_two_stream_is_refused_at_once_and_gets_in_once_they_are_done()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1));

        Task<IScenarioResult> first, second;
        await using (var events = await HeldStreamLock.Of(app.Schema, customer))
        {
            await events.Execute($"lock table {app.Schema}.mt_events in access exclusive mode");
            first = Export(customer, 200);
            second = Export(customer, 200);
            await UntilExportsWait(2);

            var refused = await Export(customer, 503).WaitAsync(Guard);

            refused.Context.Response.Headers.RetryAfter.ToString().ShouldBe("30");
            var problem = JsonNode.Parse(await refused.ReadAsTextAsync())!;
            problem["title"]!.GetValue<string>().ShouldBe("Service busy");
            problem["detail"]!.GetValue<string>().ShouldStartWith("2 exports are streaming, the most this service runs at once (Export:MaxConcurrent)");
            first.IsCompleted.ShouldBeFalse("the exports held by the lock must still be streaming");
            (await app.Host.GetJson("/health"))["status"]!.GetValue<string>().ShouldBe("healthy");
        }

        // The lock is gone: both held exports stream the signup, and their slots come back.
        foreach (var held in new[] { first, second })
            (await (await held.WaitAsync(Guard)).ReadAsTextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(1);
        var again = await Export(customer, 200).WaitAsync(Guard);
        (await again.ReadAsTextAsync()).ShouldContain(customer);
    }

    /// <summary>Until this many exports' queries wait for the lock on the events table.</summary>
    private async Task UntilExportsWait(int count)
    {
        await using var watching = new NpgsqlConnection(DataCommandLine.ConnectionString());
        await watching.OpenAsync();
        await using var waiting = new NpgsqlCommand(
            "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like @export", watching);
        waiting.Parameters.AddWithValue("export", $"select seq_id, stream_id%from {app.Schema}.mt_events%");
        for (var deadline = DateTime.UtcNow + Guard; DateTime.UtcNow < deadline; await Task.Delay(20))
            if ((long)(await waiting.ExecuteScalarAsync())! >= count) return;
        throw new TimeoutException($"{count} exports did not come to wait for the events table in {Guard.TotalSeconds} s");
    }
}
