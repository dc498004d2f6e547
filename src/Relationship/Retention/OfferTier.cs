namespace EventCrm.Relationship.Retention;

/// <summary>
/// The retention tier an offer was sized by, as figures recorded with it: the tier's name, the current value it starts
/// from, its share of the cap, and the policy's cap share (the most an offer may cost of the expected remaining margin).
/// The desk's sentence is built from these, never read back out of the rule's words.
/// </summary>
public sealed record OfferTier(string Name, decimal From, decimal Share, decimal CapShare)
{
    public static OfferTier Of(RetentionTier tier, decimal capShare) => new(tier.Name, tier.From, tier.Share, capShare);
}
