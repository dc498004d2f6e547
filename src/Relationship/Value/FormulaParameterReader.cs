namespace EventCrm.Relationship.Value;

// Reads a formula's parameters from the loose name -> number map that arrives over HTTP.
// Unknown names are rejected up front: a misspelt "lifetimeYear" must not silently fall back
// to an estimate and produce a plausible but wrong value.
internal readonly struct FormulaParameterReader
{
    private readonly FormulaId _formula;
    private readonly IReadOnlyList<string> _allowed;
    private readonly IReadOnlyDictionary<string, decimal> _values;

    // A horizon is a business assumption (50 years of months is 600 periods); the cap keeps a
    // request from asking for a billion-period loop.
    public const int MaximumPeriods = 10_000;
    public static readonly string PeriodsRule = $"must be a whole number of periods from 0 to {MaximumPeriods}";

    public FormulaParameterReader(FormulaId formula, IReadOnlyList<string> allowed, IReadOnlyDictionary<string, decimal> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        // Read for every valuation (a replay values the customer after each touchpoint): a plain
        // loop, and the unknown names listed only when there are some.
        foreach (var name in values.Keys)
        {
            if (IsOneOf(name, allowed)) continue;
            throw FormulaParameterException.Unknown(formula, allowed,
                values.Keys.Where(key => !IsOneOf(key, allowed)).Order(StringComparer.Ordinal).ToList());
        }

        _formula = formula;
        _allowed = allowed;
        _values = values;
    }

    private static bool IsOneOf(string name, IReadOnlyList<string> names)
    {
        for (var i = 0; i < names.Count; i++)
            if (string.Equals(names[i], name, StringComparison.Ordinal)) return true;
        return false;
    }

    public decimal? Optional(string name) => _values.TryGetValue(name, out var value) ? value : null;

    public decimal Required(string name) =>
        Optional(name) ?? throw FormulaParameterException.Missing(_formula, _allowed, [name]);

    public int? OptionalWholeNumber(string name)
    {
        var value = Optional(name);
        if (value is null) return null;
        if (decimal.Truncate(value.Value) != value.Value || value.Value < 0 || value.Value > MaximumPeriods)
            throw OutOfRange(name, PeriodsRule);
        return (int)value.Value;
    }

    public int RequiredWholeNumber(string name) =>
        OptionalWholeNumber(name) ?? throw FormulaParameterException.Missing(_formula, _allowed, [name]);

    public FormulaParameterException OutOfRange(string name, string rule) =>
        FormulaParameterException.OutOfRange(_formula, _allowed, name, rule);
}
