using EventCrm.Tests.Retention;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Shouldly;
using static EventCrm.Tests.Support.Touchpoint;

namespace EventCrm.Tests.Operations;

/// <summary>
/// A collector named (on loopback, where none listens: the OTLP exporter's failures are its own and
/// quiet); an in-memory reader added beside the OTLP one sees what the SDK would send it.
/// </summary>
public sealed class CollectorHost() : SchemaHost("eventcrm_metrics_otlp", ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"))
{
    public List<MetricSnapshot> Exported { get; } = [];

    protected override void ConfigureServices(IServiceCollection services) =>
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(Exported));
}

/// <summary>OTEL_EXPORTER_OTLP_ENDPOINT turns the export on (docs/operations.md, "Metrics").</summary>
[Collection(OpenTelemetrySdkScenarios.Name)]
public class when_metrics_are_sent_to_a_collector(CollectorHost app) : IClassFixture<CollectorHost>
{
    [Fact]
    public async Task the_service_s_own_meter_and_the_libraries_and_the_framework_s_go_out_with_their_figures()
    {
        var customer = Ids.Customer();
        await app.Host.PostTouchpoints(new[] { SignUp(customer, Jan1), Purchase(customer, Jan1.AddDays(1)), Purchase(customer, Jan1.AddDays(2)) });
        // A request to cancel has Wolverine handle a message (the assessment), Marten's daemon process events.
        await RetentionClients.RequestCancellation(app.Host, customer);
        await RetentionClients.Decision(app.Host, customer);

        // False here: the OTLP reader's send fails, no collector listening. The in-memory reader has its export.
        app.Host.Services.GetRequiredService<MeterProvider>().ForceFlush();

        List<MetricSnapshot> exported;
        lock (app.Exported) exported = [.. app.Exported];
        var appended = exported.Last(m => m.Name == "eventcrm.touchpoints.appended");
        appended.Unit.ShouldBe("{touchpoint}");
        // Cumulative: the last export holds the whole count, one point per type. At least this scenario's 3 + 1:
        // the SDK listens to every meter of the name in the process, the other test classes' Hosts' too (a
        // service has one); the exact figures are when_an_operator_reads_the_metrics', on this Host's meter alone.
        appended.MetricPoints.Sum(p => p.GetSumLong()).ShouldBeGreaterThanOrEqualTo(3 + 1);
        exported.Last(m => m.Name == "eventcrm.touchpoints.batch.size").MetricPoints.Sum(p => p.GetHistogramCount()).ShouldBeGreaterThanOrEqualTo(2);
        exported.Select(m => m.Name).ShouldContain("http.server.request.duration");
        exported.Select(m => m.Name).ShouldContain("db.client.operation.duration");
        exported.Select(m => m.Name).ShouldContain("wolverine-messages-succeeded");
        exported.Select(m => m.Name).ShouldContain("marten.customerledger.all.processed");
    }
}
