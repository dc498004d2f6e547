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
    private static readonly Dictionary<string, Action<StoreOptions, string>> Registrations = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CustomerLedger"] = (opts, name) => opts.ConfigureLedgers(new CustomerLedgerProjection { Name = name }),
        [SpendByCategoryProjection.ProjectionName] = (opts, name) => opts.ConfigureSpend(new SpendByCategoryProjection { Name = name }),
    };

    public static bool CanBuild(ProjectionInfo projection) => Registrations.ContainsKey(projection.Name);

    public static string NotRegistered(ProjectionInfo projection) =>
        $"'{projection.Name}' has no side build registered (src/Host/Rebuilds/SideBuilds.cs), so it cannot be rebuilt beside its live documents.";

    public static void Register(StoreOptions opts, ProjectionInfo projection) => Registrations[projection.Name](opts, NameOf(projection.Name));

    public static string NameOf(string projection) => projection + "-next";

    /// <summary>Where the new build's documents are written until they take over; one per projection, so two rebuilds never meet.</summary>
    public static string SchemaOf(string liveSchema, string projection) => $"{liveSchema}_next_{projection.ToLowerInvariant()}";

    /// <summary>Where the replaced documents go in the take-over transaction, to be dropped right after it.</summary>
    public static string RetiredSchemaOf(string liveSchema, string projection) => $"{liveSchema}_retired_{projection.ToLowerInvariant()}";

    /// <summary>The side build's shard for each live shard: its own row in the live mt_event_progression.</summary>
    public static ShardName ShardFor(ShardName live) => new(NameOf(live.Name), live.ShardKey, live.Version);
}
