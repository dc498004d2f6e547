using System.Globalization;
using EventCrm.Host.Infrastructure;

namespace EventCrm.Host.Telemetry;

/// <summary>
/// Trace sampling, by OpenTelemetry's standard variables OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG.
/// The SDK (since 1.8) reads them itself, from the host's configuration (the environment, or the same
/// key in the settings), so the service sets no sampler of its own: one set in code would win over them.
/// What the SDK does with a value it cannot read is a warning on its own event source, which nobody
/// reads, and a trace of every request: an operator who set these wanted fewer. Such a value stops
/// the start here instead, naming the variable (docs/operations.md).
/// </summary>
public static class TraceSampling
{
    public const string SamplerKey = "OTEL_TRACES_SAMPLER";
    public const string RatioKey = "OTEL_TRACES_SAMPLER_ARG";

    /// <summary>The samplers the SDK knows by name (it compares them ignoring case).</summary>
    public static readonly string[] Samplers =
        ["always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio"];

    public static void CheckAtStart(IConfiguration configuration)
    {
        // Blank is unset, for the SDK as here.
        var sampler = configuration[SamplerKey];
        var ratio = configuration[RatioKey];
        var samplerSet = !string.IsNullOrWhiteSpace(sampler);

        if (samplerSet && !Samplers.Contains(sampler, StringComparer.OrdinalIgnoreCase))
            throw new SettingRefusedException($"{SamplerKey} must be one of {string.Join(", ", Samplers)}; it is '{sampler}'.");
        if (string.IsNullOrWhiteSpace(ratio)) return;
        if (!IsRatio(ratio))
            throw new SettingRefusedException($"{RatioKey} must be a number from 0 to 1 written with a point (0.1 traces a tenth of the requests); it is '{ratio}'.");
        // The SDK's default sampler (parentbased_always_on) ignores the ratio: every request would still be traced.
        if (!samplerSet)
            throw new SettingRefusedException($"{RatioKey} is set ('{ratio}') but {SamplerKey} is not: the ratio is read only by {SamplerKey}=parentbased_traceidratio or traceidratio.");
    }

    // A finite number in [0, 1] with a point, as the SDK reads it (invariant culture), but without its
    // thousands separators: it reads a decimal comma, "0,1", as 1, and traces everything.
    private static bool IsRatio(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio)
        && double.IsFinite(ratio) && ratio is >= 0 and <= 1;
}
