namespace EventCrm.Relationship.Value;

// Shared guards for computing a formula from a parameter record. Nullable fields are the ones a
// caller may fill from the customer's own events; if nobody filled them the value cannot be
// computed, and the caller is told every missing name at once rather than one per attempt.
internal static class FormulaChecks
{
    public static void ThrowIfMissing(FormulaId formula, IReadOnlyList<string> allowed, params ReadOnlySpan<(string Name, object? Value)> fields)
    {
        foreach (var field in fields)
            if (field.Value is null) throw FormulaParameterException.Missing(formula, allowed, Missing(fields));
    }

    private static List<string> Missing(ReadOnlySpan<(string Name, object? Value)> fields)
    {
        var names = new List<string>();
        foreach (var (name, value) in fields) if (value is null) names.Add(name);
        return names;
    }

    public static void ThrowIf(bool broken, FormulaId formula, IReadOnlyList<string> allowed, string name, string rule)
    {
        if (broken) throw FormulaParameterException.OutOfRange(formula, allowed, name, rule);
    }
}
