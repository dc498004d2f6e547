using JasperFx.Events.Projections;
using Marten;

namespace EventCrm.Host.Rebuilds;

/// <summary>A registered projection as operators see it: its name, how it runs, its daemon shards and the document types it writes.</summary>
public sealed record ProjectionInfo(string Name, ProjectionLifecycle Lifecycle, uint Version, IReadOnlyList<ShardName> Shards, IReadOnlyList<Type> Documents)
{
    public bool IsInline => Lifecycle == ProjectionLifecycle.Inline;
}

public sealed class ProjectionCatalog(IDocumentStore store)
{
    public IReadOnlyList<ProjectionInfo> All { get; } = ((StoreOptions)store.Options).Projections.All
        .Where(p => p.Lifecycle != ProjectionLifecycle.Live)
        .Select(p => new ProjectionInfo(p.Name, p.Lifecycle, p.Version, p.ShardNames(), p.PublishedTypes().ToList()))
        .OrderBy(p => p.Name, StringComparer.Ordinal)
        .ToList();

    public ProjectionInfo? Find(string name) => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    public string Names => string.Join(", ", All.Select(p => p.Name));
}
