namespace EventCrm.Relationship.Portfolio;

/// <summary>
/// The customers of each quadrant in the order every list of them uses: worth most now first, then most to
/// win, then by id. Kept whole so that a page of one quadrant is a slice of it, not a new sort of the base.
/// </summary>
/// <param name="Members">by quadrant name (<see cref="ValueQuadrantNames.All"/>, every one present, maybe empty).</param>
public sealed record RankedQuadrants(
    decimal? CurrentValueThreshold,
    decimal? PotentialValueThreshold,
    IReadOnlyDictionary<string, IReadOnlyList<PortfolioCustomer>> Members);
