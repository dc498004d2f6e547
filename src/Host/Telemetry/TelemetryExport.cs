using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace EventCrm.Host.Telemetry;

/// <summary>
/// Sends the service's metrics (and traces) over OTLP to a collector, only when one is named:
/// the standard OTEL_EXPORTER_OTLP_ENDPOINT (environment, or the same key in the settings). Without
/// it nothing is exported and the SDK is not even registered, so a machine with no collector sends
/// nothing anywhere; the meters can still be read on the spot with dotnet-counters (docs/operations.md).
/// </summary>
public static class TelemetryExport
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string DefaultServiceName = "eventcrm";

    /// <summary>
    /// The libraries' own meters, exported as they publish them rather than copied into ours. Wolverine
    /// names its meter after the service ("Wolverine:EventCrm.Host"), hence the wildcard.
    /// </summary>
    public static readonly string[] LibraryMeters = ["Marten", "Wolverine:*"];

    /// <summary>The libraries' activity sources, for traces.</summary>
    public static readonly string[] LibrarySources = ["Marten", "Wolverine"];

    public static bool Enabled(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[EndpointKey]);

    public static void AddEventCrmTelemetryExport(this IServiceCollection services, IConfiguration configuration)
    {
        if (!Enabled(configuration)) return;
        // The endpoint must read as an http(s) URI: a typo (collector:4317, which .NET reads as a URI of scheme
        // "collector") stops the start, naming the key, rather than exporting nowhere.
        if (!Uri.TryCreate(configuration[EndpointKey], UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
            throw new Infrastructure.SettingRefusedException(
                $"{EndpointKey} must be an absolute http or https URI (http://collector:4317, say); it is '{configuration[EndpointKey]}'.");
        // OTEL_TRACES_SAMPLER(_ARG) are the SDK's to apply; a value it would ignore, tracing every request, stops the start.
        TraceSampling.CheckAtStart(configuration);

        services.AddOpenTelemetry()
            // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, when set, are read by the SDK and win.
            .ConfigureResource(resource => resource.AddService(DefaultServiceName, serviceVersion: typeof(TelemetryExport).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics => metrics.AddEventCrmMeters())
            // No sampler set here: the SDK's from OTEL_TRACES_SAMPLER(_ARG), parentbased_always_on without them.
            .WithTracing(tracing => tracing
                .AddSource(LibrarySources)
                .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = context => !IsPageOrHealth(context.Request.Path))
                .AddNpgsql())
            // Reads OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, _HEADERS and OTEL_METRIC_EXPORT_INTERVAL itself.
            .UseOtlpExporter();
    }

    /// <summary>
    /// Every meter the service exports: ours, the libraries', ASP.NET Core's, Npgsql's and the runtime's
    /// (on .NET 9 and later the runtime publishes its own meter, System.Runtime: no instrumentation package needed).
    /// </summary>
    public static MeterProviderBuilder AddEventCrmMeters(this MeterProviderBuilder metrics) => metrics
        .AddMeter(EventCrmMetrics.MeterName)
        .AddMeter(LibraryMeters)
        .AddAspNetCoreInstrumentation()
        .AddNpgsqlInstrumentation()
        .AddMeter("System.Runtime");

    // The pages' files and the health probe would be most of the spans and tell nothing.
    private static bool IsPageOrHealth(PathString path) =>
        path.StartsWithSegments("/health") || !path.StartsWithSegments("/api");
}
