using EventCrm.Relationship.Value;

namespace EventCrm.Host.Formulas;

public sealed record FormulaView(string Name, int Version, IReadOnlyDictionary<string, decimal> Parameters)
{
    public static FormulaView Of(FormulaChoice f) => new(f.Name, f.Version, f.Parameters);
}
