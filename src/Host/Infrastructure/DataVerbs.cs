using System.Reflection;
using JasperFx.CommandLine;

namespace EventCrm.Host.Infrastructure;

/// <summary>
/// The Host's own command-line verbs (import, export, replay, seed-demo ...) work on the store and
/// serve no HTTP. Discovering and mapping the Wolverine endpoints is half a second of every start,
/// so a process started for one of them skips it (docs/design.md, "How fast a command starts").
/// Wolverine's and Marten's verbs (codegen, describe, db-apply ...) get the whole application.
/// </summary>
public static class DataVerbs
{
    public static bool Starts(string[] args) => args is [var verb, ..] && Names.Contains(verb);

    public static IReadOnlySet<string> Names { get; } = typeof(DataVerbs).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(IJasperFxCommand).IsAssignableFrom(t))
        .Select(t => t.GetCustomAttribute<DescriptionAttribute>()?.Name)
        .OfType<string>()
        .ToHashSet(StringComparer.OrdinalIgnoreCase);
}
