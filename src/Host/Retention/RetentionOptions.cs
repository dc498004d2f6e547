using Microsoft.Extensions.Options;
using EventCrm.Relationship.Retention;

namespace EventCrm.Host.Retention;

/// <summary>
/// The configuration section "Retention" (e.g. Retention__OfferLifetime=3.00:00:00); unset keys keep
/// the defaults. Tiers, once any is set, replace the default tiers as a whole.
/// </summary>
public sealed class RetentionOptions
{
    public TimeSpan OfferLifetime { get; set; } = RetentionPolicy.Default.OfferLifetime;
    public decimal MinimumCurrentValue { get; set; } = RetentionPolicy.Default.MinimumCurrentValue;
    public decimal OfferCapShare { get; set; } = RetentionPolicy.Default.OfferCapShare;
    /// <summary>The cap holds for the offers accepted within this window together (a TimeSpan, 365.00:00:00 by default).</summary>
    public TimeSpan CapWindow { get; set; } = RetentionPolicy.Default.CapWindow;
    public List<RetentionTierOption> Tiers { get; set; } = [];

    /// <summary>
    /// A request to cancel recorded more than this long after its <c>occurredAt</c> is history, not assessed
    /// (<see cref="RequestRecency"/>): a week by default.
    /// </summary>
    public TimeSpan RequestsAssessedWithin { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The policy, once <see cref="RetentionOptionsCheck"/> has passed it (every tier's From given).</summary>
    public RetentionPolicy ToPolicy() => new(MinimumCurrentValue, OfferCapShare, OfferLifetime,
        Tiers.Count == 0 ? RetentionPolicy.Default.Tiers : Tiers.Select(t => new RetentionTier(t.Name, t.From ?? 0, t.Share)).ToList(), CapWindow);
}

public sealed class RetentionTierOption
{
    public string Name { get; set; } = "";
    /// <summary>Null when not set: a tier's start is never taken as 0 unasked (a gold tier for every client), the start refuses it.</summary>
    public decimal? From { get; set; }
    public decimal Share { get; set; }
}

/// <summary>
/// The policy is checked when the service starts: a cancellation assessed under an impossible
/// setting would fail only then, long after, in the background.
/// </summary>
public sealed class RetentionOptionsCheck(IConfiguration configuration) : IValidateOptions<RetentionOptions>
{
    private static readonly string[] PolicyKeys = [nameof(RetentionOptions.OfferLifetime), nameof(RetentionOptions.MinimumCurrentValue),
        nameof(RetentionOptions.OfferCapShare), nameof(RetentionOptions.CapWindow), nameof(RetentionOptions.Tiers), nameof(RetentionOptions.RequestsAssessedWithin)];
    private static readonly string[] TierKeys = [nameof(RetentionTierOption.Name), nameof(RetentionTierOption.From), nameof(RetentionTierOption.Share)];

    public ValidateOptionsResult Validate(string? name, RetentionOptions o)
    {
        var problems = Unread(configuration.GetSection("Retention")).ToList();
        if (o.OfferLifetime <= TimeSpan.Zero) problems.Add("Retention:OfferLifetime must be a positive duration, e.g. 7.00:00:00 for a week");
        if (o.RequestsAssessedWithin <= TimeSpan.Zero)
            problems.Add("Retention:RequestsAssessedWithin must be a positive duration, e.g. 7.00:00:00 for a week");
        if (o.MinimumCurrentValue < 0) problems.Add("Retention:MinimumCurrentValue must not be negative");
        if (o.OfferCapShare is <= 0 or > 1) problems.Add("Retention:OfferCapShare must be above 0 and at most 1");
        // The desk reads the window in days ("within the window (365 days)"): hours would read "0 days".
        if (o.CapWindow < TimeSpan.FromDays(1)) problems.Add("Retention:CapWindow must be at least a day (1.00:00:00), e.g. 365.00:00:00 for a year");
        for (var i = 0; i < o.Tiers.Count; i++)
        {
            var tier = o.Tiers[i];
            if (string.IsNullOrWhiteSpace(tier.Name)) problems.Add($"Retention:Tiers:{i}:Name is required");
            if (tier.From is null) problems.Add($"Retention:Tiers:{i}:From is required (the current value the tier starts from, 0 for every client)");
            else if (tier.From < 0) problems.Add($"Retention:Tiers:{i}:From must not be negative");
            if (tier.Share is <= 0 or > 1) problems.Add($"Retention:Tiers:{i}:Share must be above 0 and at most 1");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>
    /// Settings the binding would pass over without a word, leaving the defaults in force: a
    /// misspelt key, or a value where the tiers' list goes.
    /// </summary>
    private static IEnumerable<string> Unread(IConfigurationSection retention)
    {
        foreach (var setting in retention.GetChildren().Where(c => !PolicyKeys.Contains(c.Key, StringComparer.OrdinalIgnoreCase)))
            yield return $"{setting.Path} is not a setting of the retention policy ({string.Join(", ", PolicyKeys)})";
        var tiers = retention.GetSection(nameof(RetentionOptions.Tiers));
        if (tiers.Value is not null)
            yield return $"{tiers.Path} must be a list of tiers (Retention__Tiers__0__Name, Retention__Tiers__0__From, Retention__Tiers__0__Share, ...), not a value";
        foreach (var tier in tiers.GetChildren())
        {
            if (tier.Value is not null) yield return $"{tier.Path} must be a tier with Name, From and Share, not a value";
            foreach (var setting in tier.GetChildren().Where(c => !TierKeys.Contains(c.Key, StringComparer.OrdinalIgnoreCase)))
                yield return $"{setting.Path} is not a setting of a tier ({string.Join(", ", TierKeys)})";
        }
    }
}
