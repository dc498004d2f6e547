namespace EventCrm.Relationship.Value;

// The formulas a value request may name, with the parameter names each accepts, so the HTTP
// layer can resolve "simple-clv@1" and describe the formulas without knowing each one.
public static class ValueFormulas
{
    public static readonly IReadOnlyDictionary<FormulaId, IReadOnlyList<string>> ParameterNames =
        new Dictionary<FormulaId, IReadOnlyList<string>>
        {
            [SimpleClv.Id] = SimpleClv.ParameterNames,
            [WalandCole.Id] = WalandCole.ParameterNames,
            [RetentionLtv.Id] = RetentionLtv.ParameterNames,
            [BgNbdGgValue.Id] = BgNbdGgValue.ParameterNames,
        };

    public static readonly IReadOnlyList<FormulaId> All = [.. ParameterNames.Keys];

    public static bool IsKnown(FormulaId id) => ParameterNames.ContainsKey(id);
}
