using EventCrm.Host.Access;
using EventCrm.Host.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using EventCrm.Relationship.Value;
using Marten;
using Wolverine.Http;

namespace EventCrm.Host.Formulas;

public sealed record RegisteredFormulaView(string Name, int Version, IReadOnlyDictionary<string, decimal> Parameters, DateTimeOffset? RegisteredAt);

public sealed record InForceView(string Name, int Version, IReadOnlyDictionary<string, decimal> Parameters, DateTimeOffset? Since);

public sealed record FormulaCatalogEntry(string Name, IReadOnlyList<string> Parameters);

public sealed record FormulasView(InForceView InForce, IReadOnlyList<RegisteredFormulaView> Versions,
    IReadOnlyList<InForceView> History, IReadOnlyList<FormulaCatalogEntry> Catalog);

public static class GetFormulasEndpoint
{
    /// <summary>The formula in force, every registered version, when each was put in force, and what parameters each formula takes.</summary>
    [WolverineGet("/api/formulas"), Authorize(Policy = Policies.Read)]
    [Answers(200, "The formula in force, every version, the choices made and the catalog.")]
    public static async Task<FormulasView> Get(IQuerySession session, CancellationToken ct)
    {
        var (registry, _) = await FormulaRegistryStore.LoadAsync(session, ct);
        var inForce = registry.InForceAt(null);
        return new FormulasView(
            View(inForce),
            [.. FormulaChoice.Names.Select(n => new RegisteredFormulaView(n, 0, FormulaChoice.BuiltIn(n).Parameters, null)),
             .. registry.Versions.Select(v => new RegisteredFormulaView(v.Formula.Name, v.Formula.Version, v.Formula.Parameters, v.RegisteredAt))],
            registry.Choices.Select(View).ToList(),
            ValueFormulas.ParameterNames.Select(p => new FormulaCatalogEntry(p.Key.Name, p.Value)).ToList());
    }

    private static InForceView View(FormulaInForce f) => new(f.Formula.Name, f.Formula.Version, f.Formula.Parameters, f.Since);
}

public static class GetFormulaEndpoint
{
    /// <summary>One version, "name@version" (or a bare name for its latest): where a registered version's Location points.</summary>
    [WolverineGet("/api/formulas/{reference}"), Authorize(Policy = Policies.Read)]
    [Answers(200, "The formula version.", Body = typeof(RegisteredFormulaView))]
    [Answers(400, "A reference not of the form name@version or name; errors names it.")]
    [Answers(404, "An unknown formula or version.")]
    public static async Task<IResult> Get(string reference, IQuerySession session, CancellationToken ct)
    {
        if (FormulaRegistry.Malformed(reference) is { } malformed) return Problems.Invalid("reference", malformed);
        var (registry, _) = await FormulaRegistryStore.LoadAsync(session, ct);
        if (registry.Resolve(reference) is not { } formula)
            return Problems.NotFound($"No formula '{reference}' is registered; see GET /api/formulas (version 0 is each formula's built-in default).");
        var registeredAt = registry.Versions.FirstOrDefault(v => v.Formula.Name == formula.Name && v.Formula.Version == formula.Version)?.RegisteredAt;
        return Results.Ok(new RegisteredFormulaView(formula.Name, formula.Version, formula.Parameters, registeredAt));
    }
}
