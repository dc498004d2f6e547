using EventCrm.Relationship.Value;

namespace EventCrm.Host.Formulas;

public sealed record FormulaView(string Name, int Version, IReadOnlyDictionary<string, decimal> Parameters)
{
    public static FormulaView Of(FormulaChoice f) => new(f.Name, f.Version, f.Parameters);
}

/// <summary>The answer to a choice of the formula in force.</summary>
/// <param name="Changed">False when this version was in force already: nothing was recorded.</param>
/// <param name="Since">When the version took force (null for retention-ltv@0, in force by default before any choice).</param>
public sealed record FormulaChosenView(string Name, int Version, IReadOnlyDictionary<string, decimal> Parameters, bool Changed, DateTimeOffset? Since);
