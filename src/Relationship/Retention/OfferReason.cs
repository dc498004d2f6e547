using System.Text.RegularExpressions;

namespace EventCrm.Relationship.Retention;

/// <summary>
/// An offer's rule, as recorded with it, and the desk's "Why:" sentence read from that rule. Both in one place:
/// the sentence is built when read, from offers recorded by any version, so it must know the rule's wording.
/// </summary>
public static partial class OfferReason
{
    /// <summary>"gold tier (current value from 5,000): offer 60 % of a cap of 20 % of the expected remaining margin".</summary>
    public static string Rule(RetentionTier tier, decimal offerCapShare) =>
        $"{tier.Name} tier (current value from {tier.From:N0}): offer {tier.Share:P0} of a cap of {offerCapShare:P0} of the expected remaining margin";

    /// <summary>
    /// "Offer 2,181.82 to keep the client: the client is in the gold retention tier (current value from 5,000), whose rule
    /// is to offer 60 % ...". The rule says "gold tier", which a desk reads beside the value tier on its cards (low, medium,
    /// high: a rank among all clients): the sentence names the tier as the retention policy's. A rule not of that wording
    /// is quoted whole.
    /// </summary>
    public static string Why(decimal amount, string rule) => TierRule().Match(rule) is { Success: true } m
        ? $"Offer {amount:N2} to keep the client: the client is in the {m.Groups["tier"].Value} retention tier ({m.Groups["from"].Value}), " +
          $"whose rule is to {m.Groups["offer"].Value}."
        : $"Offer {amount:N2} to keep the client: retention rule {rule}.";

    [GeneratedRegex(@"^(?<tier>\S+) tier \((?<from>current value from [^)]*)\): (?<offer>offer .+)$")]
    private static partial Regex TierRule();
}
