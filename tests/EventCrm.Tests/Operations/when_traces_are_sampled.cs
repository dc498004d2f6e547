using System.Buffers.Binary;
using System.Diagnostics;
using EventCrm.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Shouldly;

namespace EventCrm.Tests.Operations;

/// <summary>
/// Export on, with the sampling operators set to keep a tenth of the traces: OpenTelemetry's standard
/// variables, read by the SDK itself. An in-memory exporter beside the OTLP one (whose collector,
/// on loopback, is not there) receives the spans the SDK would send.
/// </summary>
public sealed class SampledTracesHost() : SchemaHost("eventcrm_metrics_sampled",
    ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"), ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"), ("OTEL_TRACES_SAMPLER_ARG", "0.1"))
{
    public ExportedSpans Spans { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) =>
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
}

/// <summary>OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG (docs/operations.md, "Turning the export on").</summary>
[Collection(OpenTelemetrySdkScenarios.Name)]
public class when_traces_are_sampled(SampledTracesHost app) : IClassFixture<SampledTracesHost>
{
    private const int Requests = 200;

    // A trace id the ratio keeps (its first 8 bytes read 1, below a tenth of long.MaxValue) and one it
    // drops (0x7fff...: long.MaxValue itself).
    private const string KeptByTheRatio = "00000000000000010000000000000001";
    private const string DroppedByTheRatio = "7fffffffffffffff0000000000000001";

    private Task Get(string path, string? traceparent = null) => app.Host.Scenario(s =>
    {
        s.Get.Url(path);
        if (traceparent is not null) s.WithRequestHeader("traceparent", traceparent);
        s.StatusCodeShouldBe(404);
    });

    [Fact]
    public async Task a_tenth_of_the_requests_starting_a_trace_are_traced_and_a_caller_s_decision_is_followed()
    {
        var marker = $"/api/customers/sampled-{Guid.NewGuid():N}";

        // The caller decided not to trace this one, whose id the ratio alone would keep.
        await Get($"{marker}-caller-said-no", $"00-{KeptByTheRatio}-0000000000000001-00");
        for (var i = 0; i < Requests; i++) await Get($"{marker}-root-{i}");
        // The caller traces this one, whose id the ratio alone would drop.
        await Get($"{marker}-caller-said-yes", $"00-{DroppedByTheRatio}-0000000000000001-01");

        // A request's span is exported as it ends, a moment after its answer.
        var followed = await Waits.For(() => app.Spans.OfRequestsTo($"{marker}-caller-said-yes").SingleOrDefault(), TimeSpan.FromSeconds(10));
        followed.TraceId.ToHexString().ShouldBe(DroppedByTheRatio);
        app.Spans.OfRequestsTo($"{marker}-caller-said-no").ShouldBeEmpty();

        var roots = app.Spans.OfRequestsTo($"{marker}-root-");
        // About 20 of 200. Fewer than 1 or more than 50 has a chance under 1e-9 at a ratio of 0.1;
        // every request would be traced without the variables (the default, parentbased_always_on).
        roots.Length.ShouldBeInRange(1, 50);
        // Kept by their trace id: its first 8 bytes, sign bit cleared, below 0.1 x long.MaxValue.
        roots.Select(span => FirstEightBytes(span.TraceId)).ShouldAllBe(id => id < (long)(0.1 * long.MaxValue));
    }

    private static long FirstEightBytes(ActivityTraceId id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.CopyTo(bytes);
        return BinaryPrimitives.ReadInt64BigEndian(bytes) & long.MaxValue;
    }
}
