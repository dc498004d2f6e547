namespace EventCrm.Relationship.Portfolio;

/// <summary>
/// The portfolio split by the double criterion value x potential (seed 002). The thresholds are
/// null only when there were no customers to take a median of.
/// </summary>
public sealed record ValueQuadrantAnalysis(
    decimal? CurrentValueThreshold,
    decimal? PotentialValueThreshold,
    IReadOnlyList<ValueQuadrant> Quadrants)
{
    public ValueQuadrant this[string name] => Quadrants.Single(q => q.Name == name);
}

/// <param name="CustomerIds">who is in the quadrant, so a campaign can target them: worth most now first, then most to win, then by id
/// (the first few only when the reader asked for so many: <paramref name="Count"/> stays the whole quadrant's).</param>
/// <param name="Customers">the same customers in the same order, each with its name: a page lists people by name, and
/// asking for each one's name would be a request per customer.</param>
public sealed record ValueQuadrant(
    string Name, int Count, decimal TotalCurrentValue, decimal TotalPotentialValue, IReadOnlyList<string> CustomerIds,
    IReadOnlyList<QuadrantMember> Customers);

/// <param name="Name">null for a record that never gave one (a name erased for privacy reads "[erased]").</param>
public sealed record QuadrantMember(string CustomerId, string? Name);

public static class ValueQuadrantNames
{
    // Keep and grow: worth a lot now and could be worth more.
    public const string HighValueHighPotential = "high-value-high-potential";
    // Keep: worth a lot now, little left to win.
    public const string HighValueLowPotential = "high-value-low-potential";
    // Develop: worth little now, much to win if behaviour changes.
    public const string LowValueHighPotential = "low-value-high-potential";
    // Serve at least cost.
    public const string LowValueLowPotential = "low-value-low-potential";

    public static readonly IReadOnlyList<string> All =
        [HighValueHighPotential, HighValueLowPotential, LowValueHighPotential, LowValueLowPotential];
}
