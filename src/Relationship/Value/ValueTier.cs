namespace EventCrm.Relationship.Value;

/// <summary>Where a current value stands in the portfolio; negative means the customer costs more than it brings.</summary>
public static class ValueTier
{
    public const string High = "high";
    public const string Medium = "medium";
    public const string Low = "low";
    public const string Negative = "negative";
    public const string None = "none";
    /// <summary>A replayed customer the formula cannot value (its read answers 422 with the reason).</summary>
    public const string NotComputable = "not-computable";

    public static string Of(decimal currentValue, bool churned, PortfolioModel model) => churned ? None : currentValue switch
    {
        < 0 => Negative,
        _ when model.HighTierFrom > 0 && currentValue >= model.HighTierFrom => High,
        _ when model.MediumTierFrom > 0 && currentValue >= model.MediumTierFrom => Medium,
        _ => Low,
    };
}
