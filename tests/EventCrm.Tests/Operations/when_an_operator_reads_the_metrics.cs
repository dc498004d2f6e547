using System.Diagnostics.Metrics;
using Alba;
using EventCrm.Host.Infrastructure.Paging;
using EventCrm.Host.Telemetry;
using EventCrm.Tests.Retention;
using EventCrm.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;
using IProjectionCoordinator = Marten.Events.Daemon.Coordination.IProjectionCoordinator;

namespace EventCrm.Tests.Operations;

public sealed class MetricsHost() : SchemaHost("eventcrm_metrics");

/// <summary>
/// The figures the service gives a monitoring system on its meter "EventCrm" (docs/operations.md,
/// "Metrics"), read in-process as an exporter reads them; each expected figure is counted by hand from the scenario.
/// </summary>
public class when_an_operator_reads_the_metrics(MetricsHost app) : IClassFixture<MetricsHost>
{
    private Task<IScenarioResult> Post(object body) =>
        app.Host.Scenario(x => { x.Post.Json(body).ToUrl("/api/touchpoints"); x.IgnoreStatusCode(); });

    [Fact]
    public async Task touchpoints_are_counted_by_type_and_the_refused_ones_by_the_class_of_their_refusal()
    {
        using var metrics = new RecordedMetrics(app.Host.Services);
        var (customer, stranger) = (Ids.Customer(), Ids.Customer());
        var purchase = Purchase(customer, Jan1.AddDays(1));

        await app.Host.PostTouchpoints(SignUp(customer, Jan1));                       // appended: signed-up
        await app.Host.PostTouchpoints(purchase);                                     // appended: purchase
        await app.Host.PostTouchpoints(purchase, 200);                                // the same again: repeated
        await app.Host.PostTouchpoints(Purchase(stranger, Jan1), 404);                // no such customer: 1 not_found
        await app.Host.PostTouchpoints(new[]                                          // one bad amount: all 3 invalid
            { Purchase(customer, Jan1.AddDays(2)), Purchase(customer, Jan1.AddDays(3), amount: -5m), SupportCall(customer, Jan1.AddDays(4)) }, 400);
        await app.Host.PostRaw("{\"type\": ", 400);                                   // not JSON: counts as 1 invalid

        metrics.Sum("eventcrm.touchpoints.appended").ShouldBe(2);
        metrics.Sum("eventcrm.touchpoints.appended", "eventcrm.touchpoint.type", "signed-up").ShouldBe(1);
        metrics.Sum("eventcrm.touchpoints.appended", "eventcrm.touchpoint.type", "purchase").ShouldBe(1);
        metrics.Sum("eventcrm.touchpoints.repeated").ShouldBe(1);
        metrics.Sum("eventcrm.touchpoints.refused", "error.type", "not_found").ShouldBe(1);
        metrics.Sum("eventcrm.touchpoints.refused", "error.type", "invalid").ShouldBe(3 + 1);
        metrics.Sum("eventcrm.touchpoints.refused").ShouldBe(5);
        // Every request whose body read as JSON: four of one touchpoint, one of three.
        metrics.Of("eventcrm.touchpoints.batch.size").Select(m => m.Value).Order().ShouldBe([1L, 1, 1, 1, 3]);
    }

    [Fact]
    public async Task a_post_for_a_customer_held_locked_elsewhere_is_counted_as_a_busy_answer()
    {
        using var metrics = new RecordedMetrics(app.Host.Services);
        var held = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(held, Jan1));
        await using (await HeldStreamLock.Of(app.Schema, held))
            (await Post(new[] { Purchase(held, Jan1.AddDays(1)), Purchase(held, Jan1.AddDays(2)) })).Context.Response.StatusCode.ShouldBe(503);

        metrics.Sum("eventcrm.customer_busy.answers").ShouldBe(1);
        metrics.Sum("eventcrm.touchpoints.refused", "error.type", "customer_busy").ShouldBe(2);
        metrics.Sum("eventcrm.touchpoints.appended").ShouldBe(1);
    }

    [Fact]
    public async Task each_async_shard_s_lag_is_the_events_it_has_not_processed_and_falls_to_zero_once_it_has_caught_up()
    {
        using var metrics = new RecordedMetrics(app.Host.Services);
        var pacing = app.Host.Services.GetRequiredService<DaemonPagePacing>();
        var shards = ((StoreOptions)app.Store.Options).Projections.AllShards().Select(s => s.Name.Identity).Order().ToArray();
        var coordinator = app.Host.Services.GetRequiredService<IProjectionCoordinator>();
        await app.Store.CatchUp();

        await coordinator.PauseAsync();
        try
        {
            var customer = Ids.Customer();
            // One signup and four purchases: five events no async shard has seen.
            await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1) }.Concat(Enumerable.Range(1, 4).Select(i => Purchase(customer, Jan1.AddDays(i)))).ToArray());
            await pacing.AdjustAsync(default);
            var behind = metrics.Observe("eventcrm.projection.lag");
            behind.Select(m => (string)m.Tags["eventcrm.projection.shard"]!).Order().ShouldBe(shards);
            behind.ShouldAllBe(m => m.Value == 5);
            // One database: the name the daemon's log gives it (docs/operations.md).
            behind.ShouldAllBe(m => (string)m.Tags["eventcrm.database"]! == "Main");
        }
        finally
        {
            await coordinator.ResumeAsync();
        }

        await app.Store.CatchUp();
        await pacing.AdjustAsync(default);
        var caughtUp = metrics.Observe("eventcrm.projection.lag");
        caughtUp.Count.ShouldBe(shards.Length);
        caughtUp.ShouldAllBe(m => m.Value == 0);
    }

    [Fact]
    public async Task numbers_drawn_by_an_append_in_flight_or_rolled_back_are_no_lag()
    {
        using var metrics = new RecordedMetrics(app.Host.Services);
        var pacing = app.Host.Services.GetRequiredService<DaemonPagePacing>();
        var shards = ((StoreOptions)app.Store.Options).Projections.AllShards().Count;
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(1)) });
        await app.Store.CatchUp();

        // Two sequence numbers drawn, no event committed: nothing for a shard to process
        // (until 2026-12-06 the gauge counted from the sequence and read 2 for every shard).
        await using (await AppendInFlight.Drawing(app.Schema, 2))
        {
            (await pacing.AdjustAsync(default)).Lag.ShouldBe(0);
            var inFlight = metrics.Observe("eventcrm.projection.lag");
            inFlight.Count.ShouldBe(shards);
            inFlight.ShouldAllBe(m => m.Value == 0, "numbers drawn, not committed");
        }

        // Rolled back: the numbers are lost, and never will be events.
        (await pacing.AdjustAsync(default)).Lag.ShouldBe(0);
        var rolledBack = metrics.Observe("eventcrm.projection.lag");
        rolledBack.Count.ShouldBe(shards);
        rolledBack.ShouldAllBe(m => m.Value == 0, "numbers rolled back");
    }

    [Fact]
    public async Task an_offer_made_and_accepted_is_counted_once_each_and_is_open_until_it_is_answered()
    {
        using var metrics = new RecordedMetrics(app.Host.Services);
        var openOffers = app.Host.Services.GetRequiredService<OpenOffers>();
        var (alpha, offerId) = await RetentionClients.AlphaWithAnOffer(app.Host);
        (await openOffers.CountAsync(default)).ShouldBe(1);
        metrics.Observe("eventcrm.retention.offers.open").Single().Value.ShouldBe(1);

        await app.Host.PostTouchpoints(Of("retention-offer-accepted", alpha, DateTimeOffset.UtcNow, new { offerId }));
        await openOffers.CountAsync(default);
        metrics.Observe("eventcrm.retention.offers.open").Single().Value.ShouldBe(0);

        // The offer is counted once its transaction has committed, a moment after the desk can read it.
        await Waits.Until(() => metrics.Sum("eventcrm.retention.offers", "eventcrm.outcome", "made") == 1, TimeSpan.FromSeconds(10));
        metrics.Sum("eventcrm.retention.offers", "eventcrm.outcome", "accepted").ShouldBe(1);
        metrics.Sum("eventcrm.retention.offers").ShouldBe(2);
    }

    [Fact]
    public async Task an_export_counts_the_events_it_wrote_by_format()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(1)), SupportCall(customer, Jan1.AddDays(2)) });
        using var metrics = new RecordedMetrics(app.Host.Services);

        await app.Host.Scenario(s => { s.Get.Url($"/api/events?customerId={customer}"); s.WithRequestHeader("Accept", "text/csv"); s.StatusCodeShouldBe(200); });

        metrics.Sum("eventcrm.export.events", "eventcrm.export.format", "csv").ShouldBe(3);
    }

    [Fact]
    public async Task an_import_counts_the_touchpoints_it_appended_and_those_it_found_already_there()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(SignUp(customer, Jan1, name: "Imported Ltd"));
        using var metrics = new RecordedMetrics(app.Host.Services);
        const string header = "type,touchpointId,customerId,occurredAt,amount,margin,category,orderId";
        var file = $"{header}\npurchase,imp-{customer}-1,{customer},2025-02-01T00:00:00Z,100,30,rollers,o-{customer}-1\n" +
                   $"purchase,imp-{customer}-2,{customer},2025-03-01T00:00:00Z,100,30,rollers,o-{customer}-2\n";

        await app.Host.PostImport(file, 201);
        await app.Host.PostImport(file, 200);

        metrics.Sum("eventcrm.import.touchpoints", "eventcrm.outcome", "appended").ShouldBe(2);
        metrics.Sum("eventcrm.import.touchpoints", "eventcrm.outcome", "repeated").ShouldBe(2);
    }

    [Fact]
    public void nothing_is_exported_while_no_collector_is_named() =>
        // No OTEL_EXPORTER_OTLP_ENDPOINT: the OpenTelemetry SDK is not even registered (when_metrics_are_sent_to_a_collector has it).
        app.Host.Services.GetService<OpenTelemetry.Metrics.MeterProvider>().ShouldBeNull();

    [Fact]
    public void the_libraries_meters_exported_beside_ours_are_published_under_the_names_the_documentation_gives()
    {
        var names = new HashSet<string>();
        using var listener = new MeterListener { InstrumentPublished = (instrument, _) => { lock (names) names.Add(instrument.Meter.Name + " " + instrument.Name); } };
        listener.Start();

        // As docs/operations.md names them: Wolverine's meter after the service, Marten's instruments after each async shard.
        var exported = TelemetryExport.LibraryMeters.Append(EventCrmMetrics.MeterName).ToArray();
        bool Exported(string instrument) => exported.Any(meter => meter.EndsWith('*') ? instrument.StartsWith(meter[..^1]) : instrument.StartsWith(meter + " "));
        names.Where(Exported).ShouldContain("EventCrm eventcrm.touchpoints.appended");
        names.Where(Exported).ShouldContain("Marten marten.customerledger.all.processed");
        names.Where(Exported).ShouldContain(n => n.StartsWith("Wolverine:") && n.EndsWith(" wolverine-messages-succeeded"));
    }
}
