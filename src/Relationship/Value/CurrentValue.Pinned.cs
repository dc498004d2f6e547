using System.Collections.ObjectModel;
using System.Runtime.CompilerServices;

namespace EventCrm.Relationship.Value;

public static partial class CurrentValue
{
    private sealed record PinnedResult(CurrentValueResult? Value);

    /// <summary>Worked out once per choice (by reference: a replay passes the same one for millions of valuations).</summary>
    private static readonly ConditionalWeakTable<FormulaChoice, PinnedResult> Pinned = new();

    /// <summary>
    /// A choice that gives every input its formula would estimate leaves nothing to the customer:
    /// every customer who is not churned or a prospect has the same value, computed once.
    /// </summary>
    private static PinnedResult PinnedValue(FormulaChoice formula)
    {
        if (!Estimates.TryGetValue(formula.Name, out var estimates) || formula.Parameters.Count != estimates.Length
            || !estimates.All(e => formula.Parameters.ContainsKey(e.Input)))
            return new(null);
        var inputs = new ReadOnlyDictionary<string, decimal>(estimates.ToDictionary(e => e.Input, e => formula.Parameters[e.Input]));
        try
        {
            return new(new CurrentValueResult(Math.Round(FromInputs(formula.Name, inputs), 2), inputs, null));
        }
        catch (Exception e) when (e is FormulaParameterException or ArithmeticException)
        {
            return new(null); // valued customer by customer, so each valuation refuses it as before
        }
    }
}
