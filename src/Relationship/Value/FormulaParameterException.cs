namespace EventCrm.Relationship.Value;

// One exception type for every parameter mistake a caller can make (unknown name, missing
// value, value out of range), so the HTTP layer can turn all of them into a 400 with this
// message, which always lists the names the formula accepts.
public sealed class FormulaParameterException : ArgumentException
{
    public FormulaId Formula { get; }
    public IReadOnlyList<string> AllowedNames { get; }

    /// <summary>The one parameter out of its range, so that a refusal can name it; null when the mistake is not one parameter's.</summary>
    public string? Parameter { get; }

    private FormulaParameterException(FormulaId formula, IReadOnlyList<string> allowedNames, string problem, string? parameter = null)
        : base($"{formula.Name}: {problem}. Allowed parameters: {string.Join(", ", allowedNames)}.")
    {
        Formula = formula;
        AllowedNames = allowedNames;
        Parameter = parameter;
    }

    public static FormulaParameterException Unknown(FormulaId formula, IReadOnlyList<string> allowed, IEnumerable<string> unknown) =>
        new(formula, allowed, $"unknown parameter(s) {Quote(unknown)}");

    public static FormulaParameterException Missing(FormulaId formula, IReadOnlyList<string> allowed, IEnumerable<string> missing) =>
        new(formula, allowed, $"missing parameter(s) {Quote(missing)}");

    public static FormulaParameterException OutOfRange(FormulaId formula, IReadOnlyList<string> allowed, string name, string rule) =>
        new(formula, allowed, $"parameter '{name}' {rule}", name);

    /// <summary>The formula's arithmetic failed with these inputs (a customer's figures times extreme parameters overflow a decimal, say).</summary>
    public static FormulaParameterException CannotBeComputed(FormulaId formula, IReadOnlyList<string> allowed, IReadOnlyDictionary<string, decimal> inputs,
        string why) =>
        new(formula, allowed, $"cannot be computed with the inputs {string.Join(", ", inputs.Select(i => $"{i.Key} = {i.Value}"))} ({why})");

    private static string Quote(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
