using Microsoft.Extensions.Options;

namespace EventCrm.Host.Audit.Anchors;

/// <summary>The configuration section "Audit": anchors written on a schedule to a folder kept outside the database.</summary>
public sealed class AnchorScheduleOptions
{
    public const string Section = "Audit";

    /// <summary>Where the anchors go (a volume the database's administrators cannot write, say); none: no anchor is written on a schedule.</summary>
    public string? AnchorFolder { get; set; }

    public TimeSpan AnchorEvery { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>Checked when the service starts: a schedule that cannot run would otherwise fail silently, in the background.</summary>
public sealed class AnchorScheduleOptionsCheck : IValidateOptions<AnchorScheduleOptions>
{
    public ValidateOptionsResult Validate(string? name, AnchorScheduleOptions o)
    {
        if (o.AnchorEvery < TimeSpan.FromSeconds(1))
            return ValidateOptionsResult.Fail("Audit:AnchorEvery must be a duration of at least a second, e.g. 1.00:00:00 for a day");
        if (o.AnchorFolder is not { Length: > 0 } folder) return ValidateOptionsResult.Success;
        try
        {
            Directory.CreateDirectory(folder);
            return ValidateOptionsResult.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return ValidateOptionsResult.Fail($"Audit:AnchorFolder '{folder}' cannot be used: {e.Message}");
        }
    }
}
