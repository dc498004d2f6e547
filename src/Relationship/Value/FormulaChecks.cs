namespace EventCrm.Relationship.Value;

// Shared guards for computing a formula from a parameter record. Nullable fields are the ones a
// caller may fill from the customer's own events; if nobody filled them the value cannot be
// computed, and the caller is told every missing name at once rather than one per attempt.
internal static class FormulaChecks
{
    // Met once per valuation (a replay values every customer after every touchpoint): flags, not
    // boxed values, and the names listed only when one is missing.
    public static void ThrowIfMissing(FormulaId formula, IReadOnlyList<string> allowed, params ReadOnlySpan<(string Name, bool Given)> fields)
    {
        foreach (var field in fields)
            if (!field.Given) throw FormulaParameterException.Missing(formula, allowed, Missing(fields));
    }

    private static List<string> Missing(ReadOnlySpan<(string Name, bool Given)> fields)
    {
        var names = new List<string>();
        foreach (var (name, given) in fields) if (!given) names.Add(name);
        return names;
    }

    public static void ThrowIf(bool broken, FormulaId formula, IReadOnlyList<string> allowed, string name, string rule)
    {
        if (broken) throw FormulaParameterException.OutOfRange(formula, allowed, name, rule);
    }
}
