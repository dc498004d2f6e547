using Alba;
using EventCrm.Host.Formulas;
using EventCrm.Host.Touchpoints;
using EventCrm.Relationship.Value;
using Microsoft.Extensions.DependencyInjection;

namespace EventCrm.Tests.Support;

/// <summary>
/// A formula version as the registry held it before parameters had bounds (2026-12-07): registered versions are immutable
/// events, so a store may hold one that POST /api/formulas refuses now (10^25 as a lifetime, 10^28 as a margin).
/// Appended as the registration appends it, without the check.
/// </summary>
public static class FormulasRegisteredBeforeBounds
{
    public static async Task<string> RegisterBeforeBounds(this IAlbaHost host, string name, IReadOnlyDictionary<string, decimal> parameters)
    {
        var registry = host.Services.GetRequiredService<FormulaRegistryStore>();
        var version = await registry.ChangeAsync(AppendContext.OfCommand("test"), r =>
        {
            var next = r.NextVersion(name);
            return (next, new FormulaVersionRegistered(name, next, parameters));
        }, CancellationToken.None);
        return $"{name}@{version}";
    }
}
