namespace EventCrm.Tests.Operations;

/// <summary>
/// The classes whose Host registers the OpenTelemetry SDK run one after the other. A provider's
/// listener hears every Host of the process, and an activity is recorded when any listener samples
/// it: a provider tracing every request (the default sampler) would have a sampling one export all.
/// </summary>
[CollectionDefinition(Name)]
public sealed class OpenTelemetrySdkScenarios
{
    public const string Name = "the OpenTelemetry SDK";
}
