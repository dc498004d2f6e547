using System.Text.RegularExpressions;

namespace EventCrm.Relationship.Retention;

/// <summary>
/// An offer's rule, as recorded with it, and the desk's "Why:" sentence. Since 2026-12-07 an offer records its tier as
/// figures (<see cref="OfferTier"/>) and the sentence is built from them, whatever the rule's wording; offers recorded
/// before have only the rule, whose wording of then is read here.
/// </summary>
public static partial class OfferReason
{
    /// <summary>"gold tier (current value from 5,000): offer 60 % of a cap of 20 % of the expected remaining margin".</summary>
    /// <param name="cut">The offer is what is left of the cap, less than the tier's share of it: said at the rule's end.</param>
    public static string Rule(OfferTier tier, bool cut = false) =>
        $"{tier.Name} tier (current value from {tier.From:N0}): offer {tier.Share:P0} of a cap of {tier.CapShare:P0} of the expected remaining margin" +
        (cut ? CutToWhatIsLeft : "");

    /// <summary>The ending of the rule of an offer cut to what accepted offers left of the cap (since 2026-12-07, evening).</summary>
    public const string CutToWhatIsLeft = ", cut to what is left of the cap";

    /// <summary>The reason of a <c>cap-spent</c> decision: accepted offers within the window took the whole cap.</summary>
    public static string CapSpent(decimal spent, decimal windowDays, decimal cap, decimal capShare, decimal margin) =>
        $"Already spent {spent:N2} on this client within the window ({windowDays:#,0.####} days): nothing is left of the cap of {cap:N2} " +
        $"({capShare:P0} of the expected remaining margin {margin:N2}) for another offer.";

    /// <summary>
    /// "Offer 2,181.82 to keep the client: the client is in the gold retention tier (current value from 5,000), whose rule
    /// is to offer 60 % ...". The rule says "gold tier", which a desk reads beside the value tier on its cards (low, medium,
    /// high: a rank among all clients): the sentence names the tier as the retention policy's. From the tier's figures
    /// and the formula when recorded (else the formula read with <see cref="FormulaOf"/>); else from the rule's words, and
    /// a rule not of that wording is quoted whole.
    /// </summary>
    /// <param name="inputs">
    /// The offer's inputs: one made since 2026-12-07 (evening) after accepted offers within the cap window records what they
    /// cost (<c>spentWithinCapWindow</c>, <c>capWindowDays</c>, <c>capLeft</c>), and the sentence says it; older offers read as before.
    /// </param>
    public static string Why(decimal amount, string rule, OfferTier? tier, string? formula, IReadOnlyDictionary<string, decimal>? inputs = null)
    {
        var said = tier is null
            ? Why(amount, rule)
            : $"Offer {amount:N2} to keep the client: the client is in the {tier.Name} retention tier (current value from {tier.From:N0}), " +
              $"whose rule is to offer {tier.Share:P0} of a cap of {tier.CapShare:P0} of the expected remaining margin" +
              $"{((formula ?? FormulaOf(rule)) is { } f ? $" (formula {f})" : "")}.";
        return inputs is not null && AlreadySpent(amount, inputs) is { } spent ? $"{said[..^1]}; {spent}." : said;
    }

    /// <summary>"already spent 248.28 on this client within the window (365 days), leaving 27.60 of the cap: the offer is all that is left".</summary>
    private static string? AlreadySpent(decimal amount, IReadOnlyDictionary<string, decimal> inputs) =>
        inputs.TryGetValue("spentWithinCapWindow", out var spent) && spent > 0
        && inputs.TryGetValue("capWindowDays", out var days) && inputs.TryGetValue("capLeft", out var left)
            ? $"already spent {spent:N2} on this client within the window ({days:#,0.####} days), leaving {left:N2} of the cap" +
              (amount >= left ? ": the offer is all that is left" : "")
            : null;

    /// <summary>
    /// The formula a decision recorded before its <c>formula</c> field was (2026-12-07, afternoon) was made under: its
    /// rule's documented ending " (formula NAME@VERSION)". Null for a rule without it.
    /// </summary>
    public static string? FormulaOf(string rule) => Formula().Match(rule) is { Success: true } m ? m.Groups["formula"].Value : null;

    /// <summary>
    /// The tier of an offer recorded before its tier was (2026-12-07): its name from the rule's words, its figures from the
    /// inputs recorded with every offer (<c>tierFrom</c>, <c>tierShare</c>, <c>offerCapShare</c>). Null when either is missing.
    /// </summary>
    public static OfferTier? TierOf(string rule, IReadOnlyDictionary<string, decimal> inputs) =>
        TierRule().Match(rule) is { Success: true } m
        && inputs.TryGetValue("tierFrom", out var from) && inputs.TryGetValue("tierShare", out var share) && inputs.TryGetValue("offerCapShare", out var cap)
            ? new OfferTier(m.Groups["tier"].Value, from, share, cap)
            : null;

    private static string Why(decimal amount, string rule) => TierRule().Match(rule) is { Success: true } m
        ? $"Offer {amount:N2} to keep the client: the client is in the {m.Groups["tier"].Value} retention tier ({m.Groups["from"].Value}), " +
          $"whose rule is to {m.Groups["offer"].Value}."
        : $"Offer {amount:N2} to keep the client: retention rule {rule}.";

    [GeneratedRegex(@"^(?<tier>\S+) tier \((?<from>current value from [^)]*)\): (?<offer>offer .+)$")]
    private static partial Regex TierRule();

    [GeneratedRegex(@" \(formula (?<formula>[^)]*)\)$")]
    private static partial Regex Formula();
}
