using System.Collections.Concurrent;
using EventCrm.Projections.Retention;
using EventCrm.Projections.Spend;
using EventCrm.Projections.Values;
using JasperFx.Events.Projections;
using Marten;

namespace EventCrm.Host.Rebuilds;

/// <summary>
/// Names and registrations of the side builds: a blue/green rebuild builds the projection again
/// under the name "{Name}-next", in a document schema of its own ("{schema}_next_{name}"), beside
/// the live documents.
/// An async projection is rebuilt online only once it has a line here.
/// </summary>
public static class SideBuilds
{
    private static readonly ConcurrentDictionary<string, Action<StoreOptions, string>> Registrations = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CustomerLedger"] = (opts, name) => opts.ConfigureLedgers(new CustomerLedgerProjection { Name = name }),
        [SpendByCategoryProjection.ProjectionName] = (opts, name) => opts.ConfigureSpend(new SpendByCategoryProjection { Name = name }),
        [RetentionCasesProjection.ProjectionName] = (opts, name) => opts.ConfigureRetentionCases(new RetentionCasesProjection { Name = name }),
    };

    /// <summary>The line of a projection registered outside this assembly (a plugin's, a test's).</summary>
    public static void Add(string projection, Action<StoreOptions, string> registration) => Registrations[projection] = registration;

    /// <summary>
    /// Why the projection cannot be rebuilt beside its live documents, or null when it can. The
    /// take-over swaps exactly the tables of the document types the projection publishes: with
    /// none, a rebuild would swap nothing, yet move the live progress to the head of the log, and
    /// the live documents would never be built again.
    /// </summary>
    public static string? CannotBuild(ProjectionInfo projection) =>
        projection.Documents.Count == 0
            ? $"'{projection.Name}' publishes no document type, so a rebuild would replace no table: register every document type it writes " +
              "with RegisterPublishedType in the projection's constructor (docs/projections.md, section 1)."
            : !Registrations.ContainsKey(projection.Name)
                ? $"'{projection.Name}' has no side build registered (src/Host/Rebuilds/SideBuilds.cs), so it cannot be rebuilt beside its live documents."
                : NotRenamed(projection.Name);

    /// <summary>
    /// A side build line that registers the projection under its live name, not the one it is
    /// given: the side store would have no "{Name}-next" shard to build, and the rebuild failed
    /// with Marten's "Unknown shard name" after it had begun. Said before anything is touched.
    /// </summary>
    private static string? NotRenamed(string projection)
    {
        var side = new StoreOptions();
        Registrations[projection](side, NameOf(projection));
        var names = side.Projections.All.Select(p => p.Name).ToList();
        return names.Contains(NameOf(projection))
            ? null
            : $"The side build line of '{projection}' (src/Host/Rebuilds/SideBuilds.cs) registers {(names.Count == 0 ? "no projection" : string.Join(", ", names.Select(n => $"'{n}'")))}, " +
              $"not the projection under the name it is given ('{NameOf(projection)}'): write it (opts, name) => opts.ConfigureXxx(new XxxProjection {{ Name = name }}).";
    }

    public static void Register(StoreOptions opts, ProjectionInfo projection) => Registrations[projection.Name](opts, NameOf(projection.Name));

    public static string NameOf(string projection) => projection + "-next";

    /// <summary>Where the new build's documents are written until they take over; one per projection, so two rebuilds never meet.</summary>
    public static string SchemaOf(string liveSchema, string projection) => $"{liveSchema}_next_{projection.ToLowerInvariant()}";

    /// <summary>Where the replaced documents go in the take-over transaction, to be dropped right after it.</summary>
    public static string RetiredSchemaOf(string liveSchema, string projection) => $"{liveSchema}_retired_{projection.ToLowerInvariant()}";

    /// <summary>The side build's shard for each live shard: its own row in the live mt_event_progression.</summary>
    public static ShardName ShardFor(ShardName live) => new(NameOf(live.Name), live.ShardKey, live.Version);
}
