using EventCrm.Relationship.Retention;

namespace EventCrm.Host.Retention;

/// <summary>The configuration section "Retention" (e.g. Retention__OfferLifetime=3.00:00:00); unset keys keep the defaults.</summary>
public sealed class RetentionOptions
{
    public TimeSpan OfferLifetime { get; set; } = RetentionPolicy.Default.OfferLifetime;
    public decimal MinimumCurrentValue { get; set; } = RetentionPolicy.Default.MinimumCurrentValue;
    public decimal OfferCapShare { get; set; } = RetentionPolicy.Default.OfferCapShare;
    public List<RetentionTierOption> Tiers { get; set; } = [];

    public RetentionPolicy ToPolicy() => new(MinimumCurrentValue, OfferCapShare, OfferLifetime,
        Tiers.Count == 0 ? RetentionPolicy.Default.Tiers : Tiers.Select(t => new RetentionTier(t.Name, t.From, t.Share)).ToList());
}

public sealed class RetentionTierOption
{
    public string Name { get; set; } = "";
    public decimal From { get; set; }
    public decimal Share { get; set; }
}
