namespace EventCrm.Relationship.Value;

/// <summary>
/// A registered formula: which formula, which version of its parameters, and the parameters
/// given explicitly. Version 0 is each formula's built-in default, with every input estimated.
/// </summary>
public sealed record FormulaChoice(string Name, int Version, IReadOnlyDictionary<string, decimal> Parameters)
{
    public static readonly IReadOnlyList<string> Names = ["simple-clv", "waland-cole", "retention-ltv", "bgnbd-gg"];

    public static FormulaChoice BuiltIn(string name) => new(name, 0, new Dictionary<string, decimal>());

    /// <summary>The formula in force before anyone chooses one.</summary>
    public static readonly FormulaChoice Default = BuiltIn("retention-ltv");

    public override string ToString() => $"{Name}@{Version}";
}
